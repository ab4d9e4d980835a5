// The request a redirect leads to, as the Fetch standard's "HTTP-redirect fetch" builds it. Redirects are
// followed by the host itself (undici's own following is off) so that each hop's target goes through the
// egress policy again and counts as a subrequest.
import type { PlainFetchRequest } from "../../fetch-types.js";
import { EgressError } from "./egress-error.js";
import { parseFetchUrl } from "./plain-request.js";

/** Hops a fetch follows before it fails (the Fetch standard's limit). */
export const MAX_REDIRECTS = 20;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Headers that describe a body; they go when a redirect turns the request into a GET. */
const BODY_HEADERS = new Set(["content-type", "content-encoding", "content-language", "content-location"]);
/** Credentials for one origin must not follow a redirect to another (what undici and browsers drop). */
const ORIGIN_CREDENTIALS = new Set(["authorization", "cookie", "cookie2", "proxy-authorization"]);

export function isRedirectStatus(status: number): boolean {
  return REDIRECT_STATUSES.has(status);
}

/**
 * The next request after a `status` response with a `location` header to `request`.
 * Throws `REDIRECT_REFUSED` when the location is not a fetchable http(s) URL.
 */
export function redirectRequest(
  request: PlainFetchRequest,
  status: number,
  location: string,
): PlainFetchRequest {
  const from = new URL(request.url);
  const refused = (why: string) =>
    new EgressError("REDIRECT_REFUSED", `fetch to ${request.url} was redirected to "${location}": ${why}`);
  if (!URL.canParse(location, request.url)) throw refused("it is not a valid URL");
  let target: URL;
  try {
    target = parseFetchUrl(new URL(location, from).href);
  } catch (error) {
    throw refused(error instanceof Error ? error.message.replace(/^fetch: /, "") : String(error));
  }
  const toGet =
    (status === 303 && request.method !== "HEAD" && request.method !== "GET") ||
    ((status === 301 || status === 302) && request.method === "POST");
  const crossOrigin = target.origin !== from.origin;
  const headers = request.headers.filter(
    ([name]) => !(toGet && BODY_HEADERS.has(name)) && !(crossOrigin && ORIGIN_CREDENTIALS.has(name)),
  );
  return {
    url: target.href,
    method: toGet ? "GET" : request.method,
    headers,
    body: toGet ? null : request.body,
    redirect: request.redirect,
  };
}
