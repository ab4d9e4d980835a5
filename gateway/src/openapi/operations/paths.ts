// Path prefixes the operation lists share, in OpenAPI form.
export const API = "/api/v1";
export const TENANT = `${API}/tenants/{tenant}`;
export const FUNCTION = `${TENANT}/functions/{name}`;

/** Read keys may call it (GET); deploy keys may change it; admin keys manage keys. */
export const READ = { tenant: "read" } as const;
export const DEPLOY = { tenant: "deploy" } as const;
export const ADMIN = { tenant: "admin" } as const;
