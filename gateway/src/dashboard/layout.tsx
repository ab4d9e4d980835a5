// The frame of every dashboard page: head with the inline stylesheet, the top bar, and the inline script.
import type { Context } from "hono";
import { html, raw } from "hono/html";
import type { Child, FC } from "hono/jsx";
import type { HtmlEscapedString } from "hono/utils/html";
import { DASHBOARD_SCRIPT } from "./client-script.js";
import type { SessionPrincipal } from "./session-store.js";
import { DASHBOARD_CSS } from "./styles.js";

export const DASHBOARD_PATH = "/dashboard";

/** A dashboard URL from path segments, each escaped, so a name can never reshape the path. */
export function dashboardHref(...segments: string[]): string {
  return [DASHBOARD_PATH, ...segments.map(encodeURIComponent)].join("/");
}

export interface LayoutProps {
  title: string;
  /** The CSP nonce of this response: the inline style and script run only with it. */
  nonce: string;
  /** Absent on the login page. */
  principal?: SessionPrincipal | undefined;
  children?: Child;
}

function who(principal: SessionPrincipal): string {
  return principal.kind === "operator" ? "operator" : `tenant ${principal.tenant} · ${principal.role} key`;
}

export const Layout: FC<LayoutProps> = ({ title, nonce, principal, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="referrer" content="no-referrer" />
      <title>{`${title} · Skiff`}</title>
      {/* An empty icon, so the browser does not ask the server for /favicon.ico. */}
      <link rel="icon" href="data:," />
      <style nonce={nonce}>{raw(DASHBOARD_CSS)}</style>
    </head>
    <body>
      <header class="top">
        <a class="brand" href={DASHBOARD_PATH}>
          Skiff
        </a>
        <nav>
          {principal?.kind === "operator" && <a href={dashboardHref("operator")}>Operator</a>}
          {principal?.kind === "tenant" && <a href={dashboardHref("tenants", principal.tenant)}>Functions</a>}
        </nav>
        {principal && <span class="who">{who(principal)}</span>}
        {principal && (
          <form method="post" action={dashboardHref("logout")}>
            <button type="submit" class="quiet">
              Log out
            </button>
          </form>
        )}
      </header>
      <main>{children}</main>
      <script nonce={nonce}>{raw(DASHBOARD_SCRIPT)}</script>
    </body>
  </html>
);

/** Sends a page as a complete HTML document. */
export function sendPage(
  c: Context,
  page: HtmlEscapedString | Promise<HtmlEscapedString>,
  status = 200,
): Response | Promise<Response> {
  return c.html(html`<!doctype html>${page}`, status as 200);
}
