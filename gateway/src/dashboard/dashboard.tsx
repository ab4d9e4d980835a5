// The dashboard at /dashboard: server-rendered pages over the admin API, behind a login with an API key.
//
// Why a cookie session and not the key in the browser: the pages are rendered on the server, so the server needs
// the credential on every plain navigation, and a cookie is what a browser sends then. The key is posted once by
// the login form (never in a URL), checked by the admin API's own bearer auth, and kept in this process's memory;
// the browser holds only an opaque session id in an HttpOnly, SameSite=Strict cookie that page script can not
// read. Each page calls the admin API in-process with the session's key, so a page shows exactly what that key
// may read, and a revoked key ends its sessions on their next request.
import { isSkiffError, SkiffError } from "@skiff/core";
import { type Context, Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { csrf } from "hono/csrf";
import { createMiddleware } from "hono/factory";
import { HTTPException } from "hono/http-exception";
import { NONCE, type SecureHeadersVariables, secureHeaders } from "hono/secure-headers";
import { z } from "zod";
import { readBody } from "../body-reader.js";
import type { GatewayDeps } from "../deps.js";
import { AdminApiClient, AdminApiError, type AdminApiFetch } from "./admin-api-client.js";
import { CHART_WINDOWS, DEFAULT_CHART_WINDOW } from "./chart-series.js";
import { keyIdentity, MAX_KEY_LENGTH } from "./key-identity.js";
import { DASHBOARD_PATH, dashboardHref, sendPage } from "./layout.js";
import { ErrorPage } from "./pages/error-page.js";
import { loadFunctionPage } from "./pages/function-data.js";
import { FunctionPage } from "./pages/function-page.js";
import { loadFunctionList } from "./pages/functions-data.js";
import { FunctionsPage } from "./pages/functions-page.js";
import { LoginPage } from "./pages/login-page.js";
import { loadOperatorPage } from "./pages/operator-data.js";
import { OperatorPage } from "./pages/operator-page.js";
import { type DashboardSession, SESSION_MAX_AGE_MS, SessionStore } from "./session-store.js";

export type DashboardDeps = Pick<GatewayDeps, "storage" | "adminToken" | "now" | "logger"> & {
  /** Answers the admin API (the gateway's app): every page reads through it. */
  api: AdminApiFetch;
  /** Default: a store of its own, in memory. */
  sessions?: SessionStore;
};

type DashboardEnv = { Variables: SecureHeadersVariables & { session: DashboardSession } };

export const SESSION_COOKIE = "skiff_dashboard";
/** A login form holds one key; a body much larger is not one. */
const LOGIN_BODY_BYTES = 4 * 1024;
const functionPageQuery = z.strictObject({
  window: z
    .enum(Object.keys(CHART_WINDOWS) as [keyof typeof CHART_WINDOWS], {
      error: `window is one of ${Object.keys(CHART_WINDOWS).join(", ")}`,
    })
    .optional(),
});

const nonceOf = (c: Context<DashboardEnv>) => c.get("secureHeadersNonce") ?? "";

/**
 * Routes mounted at `/dashboard`: `GET /` (to the viewer's first page), `GET|POST /login`, `POST /logout`,
 * `GET /operator`, `GET /tenants/:tenant`, `GET /tenants/:tenant/functions/:name?window=15m|1h|6h|24h|7d`.
 *
 * @example
 * app.route("/dashboard", dashboard({ ...deps, api: app }));
 */
export function dashboard(deps: DashboardDeps): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>();
  const sessions = deps.sessions ?? new SessionStore({ now: deps.now });
  const identify = keyIdentity({
    adminToken: deps.adminToken,
    apiKeys: deps.storage.apiKeys,
    now: deps.now,
    logger: deps.logger,
  });

  // Inline style and script run only with this response's nonce; nothing loads from anywhere else.
  app.use(
    "*",
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        scriptSrc: [NONCE],
        styleSrc: [NONCE],
        imgSrc: ["'self'", "data:"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
      referrerPolicy: "no-referrer",
      // Whether a host is HTTPS-only is for whoever terminates TLS in front of Skiff to say.
      strictTransportSecurity: false,
    }),
  );
  app.use("*", async (c, next) => {
    await next();
    c.header("Cache-Control", "no-store");
  });
  // Forms are accepted only from the dashboard's own pages (Origin or Sec-Fetch-Site), besides SameSite=Strict.
  app.use("*", csrf());

  app.onError((error, c) => {
    const session = c.get("session");
    if (error instanceof AdminApiError && error.status === 401) {
      // The key was revoked (or the operator key changed): this session can do nothing any more.
      sessions.delete(session?.id);
      deleteCookie(c, SESSION_COOKIE, { path: DASHBOARD_PATH });
      return c.redirect(`${dashboardHref("login")}?ended=1`, 303);
    }
    const { status, message } =
      error instanceof AdminApiError || isSkiffError(error)
        ? { status: error.status, message: error.message }
        : error instanceof HTTPException
          ? {
              status: error.status,
              message: error.status === 403 ? "this form was not sent from a dashboard page" : error.message,
            }
          : { status: 500, message: "internal error" };
    if (status >= 500) deps.logger.error({ err: error, path: c.req.path }, "dashboard page failed");
    return sendPage(
      c,
      <ErrorPage nonce={nonceOf(c)} principal={session?.principal} status={status} message={message} />,
      status,
    );
  });

  const requireSession = createMiddleware<DashboardEnv>(async (c, next) => {
    const session = sessions.get(getCookie(c, SESSION_COOKIE));
    if (session === undefined) return c.redirect(dashboardHref("login"), 303);
    c.set("session", session);
    return next();
  });

  const clientFor = (c: Context<DashboardEnv>) =>
    new AdminApiClient({ api: deps.api, origin: new URL(c.req.url).origin, key: c.get("session").key });

  app.get("/login", (c) => {
    if (sessions.get(getCookie(c, SESSION_COOKIE)) !== undefined) return c.redirect(DASHBOARD_PATH, 303);
    const ended = c.req.query("ended") === "1";
    return sendPage(
      c,
      <LoginPage
        nonce={nonceOf(c)}
        message={ended ? "Your session ended: its API key is no longer valid. Log in again." : undefined}
      />,
    );
  });

  app.post("/login", async (c) => {
    const bytes = await readBody(c.req.raw, { limit: LOGIN_BODY_BYTES });
    const form = new URLSearchParams(bytes === null ? "" : new TextDecoder().decode(bytes));
    const key = (form.get("key") ?? "").trim();
    if (key === "" || key.length > MAX_KEY_LENGTH) {
      return sendPage(c, <LoginPage nonce={nonceOf(c)} message="Enter an API key." />, 400);
    }
    const principal = await identify(key);
    if (principal === undefined) {
      return sendPage(
        c,
        <LoginPage nonce={nonceOf(c)} message="That key is unknown or revoked. Check it and try again." />,
        401,
      );
    }
    sessions.delete(getCookie(c, SESSION_COOKIE));
    const session = sessions.create(key, principal);
    setCookie(c, SESSION_COOKIE, session.id, {
      path: DASHBOARD_PATH,
      httpOnly: true,
      sameSite: "Strict",
      secure: new URL(c.req.url).protocol === "https:" || c.req.header("x-forwarded-proto") === "https",
      maxAge: Math.floor(SESSION_MAX_AGE_MS / 1000),
    });
    return c.redirect(DASHBOARD_PATH, 303);
  });

  app.post("/logout", (c) => {
    sessions.delete(getCookie(c, SESSION_COOKIE));
    deleteCookie(c, SESSION_COOKIE, { path: DASHBOARD_PATH });
    return c.redirect(dashboardHref("login"), 303);
  });

  app.get("/", requireSession, (c) => {
    const { principal } = c.get("session");
    return c.redirect(
      principal.kind === "operator" ? dashboardHref("operator") : dashboardHref("tenants", principal.tenant),
      303,
    );
  });

  app.get("/operator", requireSession, async (c) => {
    const data = await loadOperatorPage(clientFor(c));
    return sendPage(
      c,
      <OperatorPage nonce={nonceOf(c)} principal={c.get("session").principal} data={data} />,
    );
  });

  app.get("/tenants/:tenant", requireSession, async (c) => {
    const tenant = c.req.param("tenant");
    const data = await loadFunctionList(clientFor(c), tenant);
    return sendPage(
      c,
      <FunctionsPage nonce={nonceOf(c)} principal={c.get("session").principal} tenant={tenant} data={data} />,
    );
  });

  app.get("/tenants/:tenant/functions/:name", requireSession, async (c) => {
    const { tenant, name } = c.req.param();
    const parsed = functionPageQuery.safeParse(c.req.query());
    if (!parsed.success) {
      throw new SkiffError("INVALID_REQUEST", parsed.error.issues.map((issue) => issue.message).join("; "));
    }
    const window = parsed.data.window ?? DEFAULT_CHART_WINDOW;
    const data = await loadFunctionPage(clientFor(c), tenant, name, {
      ms: CHART_WINDOWS[window],
      now: deps.now(),
    });
    return sendPage(
      c,
      <FunctionPage
        nonce={nonceOf(c)}
        principal={c.get("session").principal}
        tenant={tenant}
        name={name}
        window={window}
        data={data}
      />,
    );
  });

  return app;
}
