// Outbound fetch for tenant code, on the host side (DESIGN §7). For each hop of a fetch: count a subrequest,
// resolve the host once, check every address with the egress policy (address-policy.ts), and connect only to
// those addresses (pinned-client.ts), so a refused address fails at once, before any connection, and DNS
// rebinding cannot swap the target. Redirects are followed here (up to 20), each hop checked and counted
// again. Bodies are read up to `maxResponseBytes` (decompressed size too); the whole fetch, redirects
// included, is bounded by `timeoutMs` and by the invocation's deadline, and stops when the invocation ends.
import { lookup as dnsLookup } from "node:dns";
import { isIP } from "node:net";
import { LIMITS, SkiffError } from "@skiff/core";
import type { Client } from "undici";
import type { EgressPolicy, PlainFetchRequest, PlainFetchResponse } from "../../fetch-types.js";
import { AddressPolicy, type AddressVerdict } from "./address-policy.js";
import { type AllowEntry, normalizeHostname, parseAllowList } from "./allow-list.js";
import { readBounded, tooLarge } from "./bounded-body.js";
import { decodableCodings, decodeContent } from "./content-decoding.js";
import { EgressError } from "./egress-error.js";
import { pinnedClient } from "./pinned-client.js";
import { parsePlainFetchRequest } from "./plain-request.js";
import { isRedirectStatus, MAX_REDIRECTS, redirectRequest } from "./redirect.js";
import { type LookupAll, resolveHost } from "./resolve-host.js";
import type { SubrequestBudget } from "./subrequest-budget.js";

export interface EgressFetchContext {
  /** The function's `config.allowedHosts` (validated at deploy; parsed once per list). */
  allowedHosts: readonly string[];
  /** Aborts when the invocation ends: a pending fetch then rejects and its connection closes. */
  signal: AbortSignal;
  /** The invocation's subrequest counter; every hop takes one. */
  budget: SubrequestBudget;
  /** When the invocation must be over, in ms on the clock of `options.now` (Date.now by default). */
  deadline?: number;
  /**
   * Told the body bytes of each hop as they cross the wire: the request body once it was sent, the response
   * body once read (before decoding). What usage metering counts as the invocation's egress.
   */
  onTraffic?: (bytes: number) => void;
}

export interface EgressFetchOptions {
  /** Resolves hostnames; `dns.lookup` by default. */
  lookup?: LookupAll;
  now?: () => number;
  /** This host's interface addresses, for wildcard platform listeners; os.networkInterfaces() by default. */
  localAddresses?: readonly string[];
}

/** Performs one fetch from tenant code; `request` is untrusted and validated. */
export type EgressFetch = (request: unknown, context: EgressFetchContext) => Promise<PlainFetchResponse>;

interface Exchange {
  status: number;
  statusText: string;
  headers: Array<[string, string]>;
  body: AsyncIterable<Uint8Array>;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new SkiffError(
      "INVALID_CONFIG",
      `egress policy: ${name} must be a whole number above 0, got ${value}`,
    );
  }
  return value;
}

function headerPairs(headers: Record<string, string | string[] | undefined>): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === "string") pairs.push([name, value]);
    else if (Array.isArray(value)) for (const one of value) pairs.push([name, one]);
  }
  return pairs;
}

function headerValue(headers: Array<[string, string]>, name: string): string | undefined {
  const values = headers.filter(([n]) => n === name).map(([, v]) => v);
  return values.length === 0 ? undefined : values.join(", ");
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const cause =
    error.cause instanceof Error && error.cause.message !== error.message ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}${typeof code === "string" ? ` (${code})` : ""}`;
}

/** A network failure as the tenant sees it; errors that already say what happened pass through. */
function failed(url: string, error: unknown): unknown {
  if (error instanceof EgressError && error.code !== "NETWORK_ERROR") return error;
  const what = error instanceof EgressError ? error.message : describe(error);
  return new EgressError("NETWORK_ERROR", `fetch to ${url} failed: ${what}`, { cause: error });
}

function refusal(
  hostname: string,
  port: number,
  address: string,
  verdict: Extract<AddressVerdict, { allowed: false }>,
  redirectedFrom: string | undefined,
): string {
  const literal = isIP(hostname) !== 0;
  const target = `${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`;
  const what = literal ? verdict.reason : `${hostname} resolves to ${address}, ${verdict.reason}`;
  const hint = verdict.hint === "" ? "" : ` (${verdict.hint})`;
  const via = redirectedFrom === undefined ? "" : `; the request was redirected there by ${redirectedFrom}`;
  return `fetch to ${target} refused by the egress policy: ${what}${hint}${via}`;
}

/**
 * Builds the host's `fetch` for runtime workers. Throws `SkiffError("INVALID_CONFIG")` for a bad policy.
 *
 * @example
 * const egressFetch = createEgressFetch(policy);
 * const budget = new SubrequestBudget(policy.maxSubrequests); // one per invocation
 * handlers.fetch = (args, signal) => egressFetch(args, { allowedHosts: config.allowedHosts, signal, budget });
 */
export function createEgressFetch(policy: EgressPolicy, options: EgressFetchOptions = {}): EgressFetch {
  const maxResponseBytes = positiveInteger("maxResponseBytes", policy.maxResponseBytes);
  const maxRequestBytes = positiveInteger(
    "maxRequestBytes",
    policy.maxRequestBytes ?? LIMITS.requestBodyBytes,
  );
  const timeoutMs = positiveInteger("timeoutMs", policy.timeoutMs);
  const addressPolicy = new AddressPolicy({
    allow: policy.allow,
    ...(policy.functionAllowable === undefined ? {} : { functionAllowable: policy.functionAllowable }),
    platformAddresses: policy.platformAddresses,
    ...(options.localAddresses === undefined ? {} : { localAddresses: options.localAddresses }),
  });
  const lookup: LookupAll = options.lookup ?? dnsLookup;
  const now = options.now ?? Date.now;
  const parsedLists = new WeakMap<readonly string[], AllowEntry[]>();

  function functionAllowList(list: readonly string[]): AllowEntry[] {
    let entries = parsedLists.get(list);
    if (entries === undefined) {
      entries = parseAllowList(list, "allowedHosts");
      parsedLists.set(list, entries);
    }
    return entries;
  }

  /** Checks the destination of one hop and sends it; the caller destroys the returned client. */
  async function send(
    request: PlainFetchRequest,
    allow: readonly AllowEntry[],
    signal: AbortSignal,
    redirectedFrom: string | undefined,
  ): Promise<{ client: Client; exchange: Exchange }> {
    const url = new URL(request.url);
    const hostname = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
    const port = url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port);
    const addresses = await resolveHost(hostname, lookup, signal).catch((error: unknown) => {
      throw failed(request.url, error);
    });
    const comparable = isIP(hostname) !== 0 ? hostname : normalizeHostname(hostname);
    for (const address of addresses) {
      const verdict = addressPolicy.check({ hostname: comparable, address, port }, allow);
      if (!verdict.allowed) {
        throw new EgressError("EGRESS_REFUSED", refusal(hostname, port, address, verdict, redirectedFrom));
      }
    }
    // undici's own timers are a backstop; the fetch's timer fires first with a clearer message.
    const client = pinnedClient(url.origin, addresses, { timeoutMs: timeoutMs + 1000 });
    try {
      const response = await client.request({
        path: `${url.pathname}${url.search}`,
        method: request.method,
        headers: request.headers.flat(),
        body: request.body,
        signal,
        reset: true,
      });
      const exchange: Exchange = {
        status: response.statusCode,
        statusText: response.statusText ?? "",
        headers: headerPairs(response.headers),
        body: response.body,
      };
      return { client, exchange };
    } catch (error) {
      void client.destroy().catch(() => {});
      throw failed(request.url, error);
    }
  }

  async function readBody(
    request: PlainFetchRequest,
    exchange: Exchange,
    onTraffic: ((bytes: number) => void) | undefined,
  ): Promise<{ headers: Array<[string, string]>; body: Uint8Array }> {
    if (request.method === "HEAD" || exchange.status === 204 || exchange.status === 304) {
      return { headers: exchange.headers, body: new Uint8Array(0) };
    }
    const codings = decodableCodings(headerValue(exchange.headers, "content-encoding"));
    const declared = Number(headerValue(exchange.headers, "content-length"));
    if (codings?.length === 0 && declared > maxResponseBytes) throw tooLarge(maxResponseBytes);
    try {
      const raw = await readBounded(exchange.body, maxResponseBytes);
      onTraffic?.(raw.byteLength);
      if (codings === undefined || codings.length === 0) return { headers: exchange.headers, body: raw };
      // The isolate gets the decoded body, so headers describing the encoded one would be false.
      return {
        headers: exchange.headers.filter(
          ([name]) => name !== "content-encoding" && name !== "content-length",
        ),
        body: await decodeContent(raw, codings, maxResponseBytes),
      };
    } catch (error) {
      throw failed(request.url, error);
    }
  }

  async function follow(
    first: PlainFetchRequest,
    allow: readonly AllowEntry[],
    budget: SubrequestBudget,
    signal: AbortSignal,
    onTraffic: ((bytes: number) => void) | undefined,
  ): Promise<PlainFetchResponse> {
    let request = first;
    let redirectedFrom: string | undefined;
    for (let redirects = 0; ; redirects += 1) {
      if (signal.aborted) throw signal.reason;
      budget.take();
      // One signal per hop, so listeners of finished hops do not pile up on the fetch's signal.
      const hop = new AbortController();
      const relay = () => hop.abort(signal.reason);
      signal.addEventListener("abort", relay, { once: true });
      let client: Client | undefined;
      try {
        const sent = await send(request, allow, hop.signal, redirectedFrom);
        client = sent.client;
        const exchange = sent.exchange;
        if (request.body !== null) onTraffic?.(request.body.byteLength);
        if (exchange.status < 200 || exchange.status > 599) {
          throw new EgressError(
            "NETWORK_ERROR",
            `fetch to ${request.url} failed: invalid status ${exchange.status}`,
          );
        }
        const location = exchange.headers.find(([name]) => name === "location")?.[1];
        if (isRedirectStatus(exchange.status) && location !== undefined && request.redirect !== "manual") {
          if (request.redirect === "error") {
            throw new EgressError(
              "REDIRECT_REFUSED",
              `fetch to ${request.url} was redirected (${exchange.status} to "${location}") and its redirect mode is "error"`,
            );
          }
          if (redirects >= MAX_REDIRECTS) {
            throw new EgressError(
              "TOO_MANY_REDIRECTS",
              `fetch to ${first.url} redirected more than ${MAX_REDIRECTS} times`,
            );
          }
          const next = redirectRequest(request, exchange.status, location);
          redirectedFrom = request.url;
          request = next;
          continue;
        }
        const { headers, body } = await readBody(request, exchange, onTraffic);
        return {
          status: exchange.status,
          statusText: exchange.statusText,
          headers,
          body,
          url: request.url,
          redirected: redirects > 0,
        };
      } finally {
        signal.removeEventListener("abort", relay);
        void client?.destroy().catch(() => {});
      }
    }
  }

  return async function egressFetch(raw, context) {
    const request = parsePlainFetchRequest(raw, { maxRequestBytes });
    const allow = functionAllowList(context.allowedHosts);
    const invocation = context.signal;
    const ended = () =>
      new EgressError("ABORTED", `fetch to ${request.url} aborted: the invocation has ended`);
    if (invocation.aborted) throw ended();
    const left = context.deadline === undefined ? Number.POSITIVE_INFINITY : context.deadline - now();
    if (left <= 0) {
      throw new EgressError("TIMEOUT", `fetch to ${request.url} not started: the invocation's time is up`);
    }
    const controller = new AbortController();
    const onEnd = () => controller.abort(ended());
    invocation.addEventListener("abort", onEnd, { once: true });
    const timer = setTimeout(
      () =>
        controller.abort(
          new EgressError(
            "TIMEOUT",
            left < timeoutMs
              ? `fetch to ${request.url} did not finish before the invocation's deadline`
              : `fetch to ${request.url} timed out after ${timeoutMs} ms`,
          ),
        ),
      Math.ceil(Math.min(timeoutMs, left)),
    );
    try {
      return await follow(request, allow, context.budget, controller.signal, context.onTraffic);
    } catch (error) {
      if (controller.signal.aborted) throw controller.signal.reason;
      throw error;
    } finally {
      clearTimeout(timer);
      invocation.removeEventListener("abort", onEnd);
    }
  };
}
