// The login form: an API key, posted (never put in a URL), exchanged for an HttpOnly session cookie.
import type { FC } from "hono/jsx";
import { dashboardHref, Layout } from "../layout.js";

export const LoginPage: FC<{ nonce: string; message?: string | undefined }> = ({ nonce, message }) => (
  <Layout title="Log in" nonce={nonce}>
    <form class="login" method="post" action={dashboardHref("login")}>
      <h1>Skiff dashboard</h1>
      <p class="subtitle">
        Log in with an API key: a tenant's key shows that tenant's functions; the operator key
        (SKIFF_ADMIN_TOKEN) shows every tenant and the runtime.
      </p>
      {message && (
        <p class="error-text" role="alert">
          {message}
        </p>
      )}
      <label for="key">API key</label>
      <input
        id="key"
        name="key"
        type="password"
        autocomplete="current-password"
        spellcheck={false}
        required
        autofocus
      />
      <button type="submit">Log in</button>
    </form>
  </Layout>
);
