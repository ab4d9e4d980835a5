// What a page shows when it can not be shown: the admin API's own status and message.
import type { FC } from "hono/jsx";
import { DASHBOARD_PATH, Layout } from "../layout.js";
import type { SessionPrincipal } from "../session-store.js";

export const ErrorPage: FC<{
  nonce: string;
  principal?: SessionPrincipal | undefined;
  status: number;
  message: string;
}> = ({ nonce, principal, status, message }) => (
  <Layout title={`Error ${status}`} nonce={nonce} principal={principal}>
    <section class="panel">
      <h1>{`Error ${status}`}</h1>
      <p class="error-text">{message}</p>
      <p>
        <a href={DASHBOARD_PATH}>Back to the dashboard</a>
      </p>
    </section>
  </Layout>
);
