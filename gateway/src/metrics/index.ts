// The gateway's Prometheus metrics.
export { type MetricsRouteOptions, metricsResponse, metricsRoute } from "./metrics-route.js";
export { PlatformMetrics, type PlatformMetricsOptions } from "./platform-metrics.js";
export { type RouteKind, routeKind } from "./route-kind.js";
