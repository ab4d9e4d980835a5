// Issue 3: real third-party code runs unchanged in the isolate — a Hono app and jose's JWT verification,
// each bundled with esbuild as a Workers module, deployed over HTTP and called through the data plane.
import type { webcrypto } from "node:crypto";
import { join } from "node:path";
import { build } from "esbuild";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminClient, invoke } from "./skiff-api.js";
import { REPO_ROOT, type SkiffServer, startSkiff } from "./skiff-server.js";

let server: SkiffServer;
let admin: AdminClient;

async function bundle(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [join(REPO_ROOT, "test", "fixtures", "third-party", entry)],
    bundle: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["browser", "module", "main"],
    conditions: ["worker", "browser"],
    target: "es2022",
    write: false,
  });
  return result.outputFiles[0]?.text ?? "";
}

beforeAll(async () => {
  server = await startSkiff();
  admin = new AdminClient(server, server.defaultKey);
});

afterAll(async () => {
  expect(await server.stop()).toBe(0);
});

describe("a Hono app", () => {
  beforeAll(async () => {
    await admin.mustDeploy("hono", await bundle("hono-app.ts"), { vars: { GREETING: "Ahoy" } });
  });

  it("routes, reads env, runs middleware", async () => {
    const root = await invoke(server, "hono", "/");
    expect(root.status).toBe(200);
    expect(root.text).toBe("Ahoy from Hono");
    expect(root.headers["x-powered-by"]).toBe("hono-on-skiff");
    expect(root.headers["access-control-allow-origin"]).toBe("*");
  });

  it("handles params, queries, JSON bodies and not-found", async () => {
    expect((await invoke(server, "hono", "/users/42?q=x")).json).toEqual({ id: "42", q: "x" });
    const echo = await invoke(server, "hono", "/echo", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ a: [1, 2] }),
    });
    expect(echo.status).toBe(201);
    expect(echo.json).toEqual({ received: { a: [1, 2] } });
    const missing = await invoke(server, "hono", "/nope");
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ error: "not found", path: "/nope" });
  });
});

describe("jose JWT verification", () => {
  beforeAll(async () => {
    await admin.mustDeploy("jwt", await bundle("jose-verify.ts"), { timeoutMs: 10_000, cpuMs: 10_000 });
  });

  async function verify(token: string, key: webcrypto.JsonWebKey, alg: string) {
    const answer = await invoke(server, "jwt", "/", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token, key, alg }),
    });
    expect(answer.status).toBe(200);
    return answer.json;
  }

  it.each(["ES256", "EdDSA"])(
    "verifies %s tokens signed on the host and rejects tampered ones",
    async (alg) => {
      const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
      const token = await new SignJWT({ sub: "user-1", role: "admin" })
        .setProtectedHeader({ alg })
        .setIssuedAt()
        .setExpirationTime("5m")
        .sign(privateKey);
      const jwk = await exportJWK(publicKey);
      expect(await verify(token, jwk, alg)).toMatchObject({
        valid: true,
        alg,
        payload: { sub: "user-1", role: "admin" },
      });
      const [header, payload, signature] = token.split(".");
      const forged = `${header}.${Buffer.from(JSON.stringify({ sub: "user-1", role: "root" })).toString("base64url")}.${signature}`;
      expect(payload).toBeDefined();
      expect(await verify(forged, jwk, alg)).toMatchObject({
        valid: false,
        code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
      });
    },
  );

  it("verifies HS256 tokens", async () => {
    const secret = new TextEncoder().encode("a-very-secret-key-of-32-bytes!!!");
    const token = await new SignJWT({ sub: "u" }).setProtectedHeader({ alg: "HS256" }).sign(secret);
    const jwk = { kty: "oct", k: Buffer.from(secret).toString("base64url") };
    expect(await verify(token, jwk, "HS256")).toMatchObject({ valid: true, payload: { sub: "u" } });
    const expired = await new SignJWT({ sub: "u" })
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime(1)
      .sign(secret);
    expect(await verify(expired, jwk, "HS256")).toMatchObject({ valid: false, code: "ERR_JWT_EXPIRED" });
  });
});
