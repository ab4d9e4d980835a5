// Admin API paths from names, each segment escaped so that no name can reach another route.

/** `/tenants/{tenant}` and below, e.g. `apiPath("default", "functions", "hello")`. */
export function apiPath(tenant: string, ...segments: string[]): string {
  return ["", "tenants", tenant, ...segments].map(encodeURIComponent).join("/");
}
