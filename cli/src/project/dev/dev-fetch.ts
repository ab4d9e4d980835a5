// What `skiff dev` puts in front of the gateway: the project's function at `/` (as `wrangler dev` serves it), and
// `/__scheduled?cron=…` to run its scheduled handler now through the trigger-run route.
import type { FetchHandler } from "../../server/http-server.js";

/** `skiff dev` deploys into the default tenant, whose key `skiff serve` also writes. */
export const DEV_TENANT = "default";

/** First path segments the gateway itself answers; every other path goes to the project's function. */
const GATEWAY_ROOTS = ["api", "fn", "hooks", "s3", "healthz", "metrics", "dashboard"];

export interface DevFetchOptions {
  /** The project's function, or undefined before its first deploy. */
  functionName(): string | undefined;
  /** The operator key, for the trigger-run route; known once the server has started. */
  adminToken(): string;
}

/**
 * @example
 * startServer({ …, wrapFetch: (gateway) => devFetch(gateway, { functionName: () => "hello", adminToken: () => key }) });
 * // GET /about → the gateway's /fn/default/hello/about; GET /__scheduled?cron=*+*+*+*+* → its scheduled handler
 */
export function devFetch(gateway: FetchHandler, options: DevFetchOptions): FetchHandler {
  return (request, env) => {
    const url = new URL(request.url);
    const root = url.pathname.split("/")[1] ?? "";
    if (GATEWAY_ROOTS.includes(root)) {
      return gateway(request, env);
    }
    const name = options.functionName();
    if (name === undefined) {
      return Response.json(
        {
          error: {
            code: "FUNCTION_NOT_FOUND",
            message:
              "the project is not deployed yet: wait for skiff dev to print Deployed, or fix the errors it printed",
          },
        },
        { status: 503 },
      );
    }
    if (url.pathname === "/__scheduled") {
      const cron = url.searchParams.get("cron");
      const run = new Request(new URL(`/api/v1/tenants/${DEV_TENANT}/functions/${name}/triggers/run`, url), {
        method: "POST",
        headers: { authorization: `Bearer ${options.adminToken()}`, "content-type": "application/json" },
        body: JSON.stringify(cron === null || cron === "" ? {} : { cron }),
      });
      return Promise.resolve(gateway(run, env)).then(explainMissingTrigger);
    }
    const target = new URL(`/fn/${DEV_TENANT}/${name}${url.pathname}${url.search}`, url);
    const forwarded = new Request(target, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: request.signal,
      redirect: "manual",
      duplex: "half",
    } as RequestInit);
    return gateway(forwarded, env);
  };
}

/** The trigger-run route's 404 says the cron is not configured; in dev, also say where to configure it. */
async function explainMissingTrigger(answer: unknown): Promise<unknown> {
  if (!(answer instanceof Response) || answer.status !== 404) return answer;
  const body = (await answer.json().catch(() => undefined)) as
    | { error?: { code?: string; message?: string } }
    | undefined;
  if (body?.error?.code !== "NOT_FOUND") return Response.json(body ?? {}, { status: 404 });
  const message =
    `${body.error.message}: /__scheduled runs the crons of the config file; add one, e.g. ` +
    '"triggers": { "crons": ["*/5 * * * *"] } in skiff.jsonc or [triggers] crons = ["*/5 * * * *"] in wrangler.toml';
  return Response.json({ error: { ...body.error, message } }, { status: 404 });
}
