// The one place that decides whether a request Node received is the data plane's to answer directly, or goes
// to the Hono app (admin API, S3, webhooks, health, metrics, and every request @hono/node-server would refuse).
import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import { requestTargetBytes } from "../http/url-limit.js";
import { type Mount, resolveMount } from "./mount.js";

export interface DataPlaneTarget {
  /** The request URL's origin and whole href, as @hono/node-server builds the URL (WHATWG-parsed). */
  origin: string;
  href: string;
  mount: Mount;
}

/**
 * A path and query the WHATWG URL parser leaves exactly as they are: no percent-encoding to add, no dot
 * segments to resolve (nothing after a "/" starts with "."), no "%" in the path (where "%2e" is a dot), no
 * fragment. Such a target needs no parsing; anything else is parsed.
 */
const PLAIN_TARGET = /^(?:\/(?![.])[A-Za-z0-9\-._~!$&()*+,;=:@]*)+(?:\?[A-Za-z0-9\-._~!$&()*+,;=:@/?%]*)?$/;

/** Hosts seen lately, parsed once: the origin they give, or undefined for one @hono/node-server refuses. */
const ORIGINS_KEPT = 256;

/**
 * Decides for each request, with the request hosts' parsed origins cached. One per gateway.
 *
 * @example
 * const target = new DataPlaneTargets("localhost", 8192).of(incoming); // { origin, href, mount } for /fn/t/f/x
 */
export class DataPlaneTargets {
  readonly #baseDomain: string;
  readonly #maxUrlBytes: number;
  readonly #origins = new Map<string, string | null>();

  constructor(baseDomain: string, maxUrlBytes: number) {
    this.#baseDomain = baseDomain;
    this.#maxUrlBytes = maxUrlBytes;
  }

  /**
   * The function a request is for, when the data plane can answer it without Hono; undefined sends it to Hono.
   * Anything unusual goes there too, so that it gets the answer it always got: an absolute-form or `*` target,
   * a missing or inconsistent Host, a backslash in the path (400 from @hono/node-server), and a target longer
   * than `maxUrlBytes` (414 from the URL limit).
   */
  of(incoming: IncomingMessage): DataPlaneTarget | undefined {
    const target = incoming.url ?? "";
    if (target.charCodeAt(0) !== 47 /* "/" */ || target.includes("\\")) return undefined;
    const host = incoming.headers.host;
    if (!host) return undefined;
    const scheme = (incoming.socket as Partial<TLSSocket> | undefined)?.encrypted ? "https" : "http";
    const origin = this.#origin(scheme, host);
    if (origin === null) return undefined;
    if (PLAIN_TARGET.test(target)) {
      // The parser would give back this very target: its href is the origin and the target, unchanged.
      if (target.length > this.#maxUrlBytes) return undefined;
      const mark = target.indexOf("?");
      const pathname = mark === -1 ? target : target.slice(0, mark);
      const search = mark === -1 || mark === target.length - 1 ? "" : target.slice(mark);
      const mount = resolveMount({ pathname, search }, host, this.#baseDomain);
      return mount === undefined ? undefined : { origin, href: `${origin}${target}`, mount };
    }
    let url: URL;
    try {
      url = new URL(`${scheme}://${host}${target}`);
    } catch {
      return undefined;
    }
    if (requestTargetBytes(url.href) > this.#maxUrlBytes) return undefined;
    const mount = resolveMount(url, host, this.#baseDomain);
    return mount === undefined ? undefined : { origin: url.origin, href: url.href, mount };
  }

  /** `scheme://host` as the URL parser normalizes it, or null for a Host @hono/node-server refuses (400). */
  #origin(scheme: string, host: string): string | null {
    const key = `${scheme}:${host}`;
    let origin = this.#origins.get(key);
    if (origin === undefined) {
      origin = parsedOrigin(scheme, host);
      if (this.#origins.size >= ORIGINS_KEPT) this.#origins.clear();
      this.#origins.set(key, origin);
    }
    return origin;
  }
}

function parsedOrigin(scheme: string, host: string): string | null {
  try {
    const url = new URL(`${scheme}://${host}/`);
    // @hono/node-server's own check: a Host the URL parser had to change (case, junk) is refused with 400.
    if (url.hostname.length !== host.length && url.hostname !== host.replace(/:\d+$/, "")) return null;
    // A host with a path, query or credentials in it would move the target: leave such requests to Hono.
    if (url.pathname !== "/" || url.search !== "" || url.username !== "" || url.password !== "") return null;
    return url.origin;
  } catch {
    return null;
  }
}
