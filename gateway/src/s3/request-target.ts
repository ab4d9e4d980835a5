// The request target exactly as the client sent it: S3 signs the raw path, and object keys may hold "..", "./", "//".
import { getPath } from "hono/utils/url";
import { S3Error } from "./s3-error.js";

/** Where the S3 API is mounted: an SDK is configured with the endpoint `http://host:port/s3` and path-style. */
export const S3_MOUNT = "/s3";

/** One query parameter, name and value percent-decoded once (`+` stays a plus, as S3 signs it). */
export type QueryParam = [name: string, value: string];

export interface RequestTarget {
  /** The path as sent, still percent-encoded, e.g. `/s3/photos/a%20b/../c`. */
  path: string;
  query: QueryParam[];
}

/**
 * The raw request target. `@hono/node-server` builds `request.url` with WHATWG URL parsing, which resolves `.`
 * and `..` segments (also `%2e%2e`) and so changes both the key and the signed path; when served by it, the
 * unparsed target is read from the Node request it passes as `env.incoming`. Elsewhere (tests through
 * `app.request`) the request URL is all there is.
 */
export function requestTarget(request: Request, env: unknown): RequestTarget {
  const raw = incomingUrl(env) ?? urlTarget(request.url);
  const mark = raw.indexOf("?");
  const path = mark === -1 ? raw : raw.slice(0, mark);
  const search = mark === -1 ? "" : raw.slice(mark + 1);
  return { path, query: parseQuery(search) };
}

function incomingUrl(env: unknown): string | undefined {
  if (typeof env !== "object" || env === null || !("incoming" in env)) return undefined;
  const incoming = (env as { incoming: unknown }).incoming;
  if (typeof incoming !== "object" || incoming === null || !("url" in incoming)) return undefined;
  const url = (incoming as { url: unknown }).url;
  return typeof url === "string" && url.startsWith("/") ? url : undefined;
}

function urlTarget(url: string): string {
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
}

/** Splits a query string on `&` and `=` and percent-decodes each part once. */
export function parseQuery(search: string): QueryParam[] {
  const params: QueryParam[] = [];
  for (const part of search.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const name = eq === -1 ? part : part.slice(0, eq);
    const value = eq === -1 ? "" : part.slice(eq + 1);
    params.push([decodeComponent(name), decodeComponent(value)]);
  }
  return params;
}

/** Percent-decodes once; a malformed escape or invalid UTF-8 is the client's error. */
export function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new S3Error("InvalidURI", "Couldn't parse the specified URI.", { URI: text });
  }
}

/** What a path under the mount addresses: the service, a bucket, or an object. */
export interface S3Address {
  bucket: string | undefined;
  key: string | undefined;
}

/**
 * Splits `/s3/{bucket}/{key}` (raw) into bucket and key, each decoded exactly once: `%2F` in a key is a slash
 * like `/`, `+` is a plus, and the key keeps every `.`, `..` and empty segment.
 */
export function parseS3Path(path: string, mount = S3_MOUNT): S3Address {
  if (path !== mount && !path.startsWith(`${mount}/`)) {
    throw new S3Error("InvalidURI", "Couldn't parse the specified URI.", { URI: path });
  }
  const rest = path.slice(mount.length + 1);
  if (rest === "") return { bucket: undefined, key: undefined };
  const slash = rest.indexOf("/");
  const bucket = decodeComponent(slash === -1 ? rest : rest.slice(0, slash));
  const key = slash === -1 ? "" : decodeComponent(rest.slice(slash + 1));
  return { bucket, key: key === "" ? undefined : key };
}

/**
 * Hono's `getPath` for the gateway: the raw path for requests under the S3 mount, so that a key such as
 * `../../etc/passwd` (sent as `/s3/b/../../etc/passwd`) still reaches the S3 API instead of being resolved to
 * `/etc/passwd`; Hono's own path for everything else.
 */
export function gatewayRequestPath(request: Request, options?: { env?: unknown }): string {
  const raw = incomingUrl(options?.env);
  if (
    raw !== undefined &&
    (raw === S3_MOUNT || raw.startsWith(`${S3_MOUNT}/`) || raw.startsWith(`${S3_MOUNT}?`))
  ) {
    const mark = raw.indexOf("?");
    return mark === -1 ? raw : raw.slice(0, mark);
  }
  return getPath(request);
}
