// Who an API key belongs to, decided by the admin API's own bearer auth, so login follows the same rules.
import { SkiffError } from "@skiff/core";
import { Hono } from "hono";
import { type AuthEnv, type BearerAuthOptions, bearerAuth } from "../auth.js";
import type { SessionPrincipal } from "./session-store.js";

/** Longer than any key Skiff issues or an operator would choose; a longer one is refused unread. */
export const MAX_KEY_LENGTH = 512;
const KEY_SHAPE = /^[\x21-\x7e]+$/;

/**
 * A function telling the principal behind a key, or undefined for a key the admin API would refuse (unknown,
 * revoked, malformed). Storage failures are thrown.
 *
 * @example
 * const identify = keyIdentity({ adminToken, apiKeys: storage.apiKeys, now, logger });
 * await identify("sk_…"); // { kind: "tenant", tenant: "default", role: "admin" }
 */
export function keyIdentity(
  options: BearerAuthOptions,
): (key: string) => Promise<SessionPrincipal | undefined> {
  const probe = new Hono<AuthEnv>();
  probe.use("*", bearerAuth(options));
  probe.get("/", (c) => {
    const principal = c.get("principal");
    const identity: SessionPrincipal =
      principal.kind === "operator"
        ? { kind: "operator" }
        : { kind: "tenant", tenant: principal.tenant, role: principal.key.role };
    return c.json(identity);
  });
  probe.onError((error) => {
    if (error instanceof SkiffError && error.code === "UNAUTHORIZED")
      return new Response(null, { status: 401 });
    throw error;
  });

  return async (key) => {
    if (key.length > MAX_KEY_LENGTH || !KEY_SHAPE.test(key)) return undefined;
    const response = await probe.request("/", { headers: { authorization: `Bearer ${key}` } });
    if (response.status === 401) return undefined;
    return (await response.json()) as SessionPrincipal;
  };
}
