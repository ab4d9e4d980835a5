// Which part of the gateway a request is for, as a metric label: a bounded set, never the raw path.
import { resolveMount } from "../data-plane/mount.js";

export type RouteKind =
  | "function"
  | "admin"
  | "s3"
  | "webhook"
  | "health"
  | "metrics"
  | "dashboard"
  | "other";

/** By the path's first segment. */
const FIRST_SEGMENT: Record<string, RouteKind> = {
  api: "admin",
  s3: "s3",
  hooks: "webhook",
  healthz: "health",
  metrics: "metrics",
  dashboard: "dashboard",
};

/** A function's host owns every path on it, so the data plane's own resolution is asked first. */
export function routeKind(url: URL, host: string | undefined, baseDomain: string): RouteKind {
  if (resolveMount(url, host, baseDomain) !== undefined) return "function";
  const segment = url.pathname.split("/", 2)[1] ?? "";
  return Object.hasOwn(FIRST_SEGMENT, segment) ? (FIRST_SEGMENT[segment] as RouteKind) : "other";
}
