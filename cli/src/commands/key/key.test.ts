import { describe, expect, it } from "vitest";
import type { ApiKeyInfo, ApiKeyRoleName } from "../../api-client.js";
import { ApiError } from "../../api-error.js";
import { runWith } from "../../testing/cli-harness.js";

const CREATED = Date.UTC(2025, 0, 2, 3, 4, 5);
const USED = Date.UTC(2025, 0, 3, 0, 0, 0);

function info(overrides: Partial<ApiKeyInfo> = {}): ApiKeyInfo {
  return {
    id: "0b7c-key",
    role: "deploy",
    prefix: "sk_AbCdEfGh",
    createdAt: CREATED,
    lastUsedAt: null,
    revokedAt: null,
    ...overrides,
  };
}

describe("skiff key create", () => {
  it("creates a deploy key by default, prints it once and how to revoke it", async () => {
    const calls: Array<[string, ApiKeyRoleName]> = [];
    const api = {
      createApiKey: async (tenant: string, role: ApiKeyRoleName) => {
        calls.push([tenant, role]);
        return { key: "sk_AbCdEfGh-the-rest", apiKey: info({ role }) };
      },
    };
    const run = await runWith(api, ["key", "create"]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toBe(
      "Created deploy key 0b7c-key in tenant default.\n" +
        "  sk_AbCdEfGh-the-rest\n" +
        "Save it now: it is not shown again. Use it as SKIFF_TOKEN, or revoke it with\n" +
        "  skiff key revoke 0b7c-key\n",
    );
    const json = await runWith(api, ["key", "create", "--role", "read", "-t", "acme", "--json"]);
    expect(JSON.parse(json.stdout)).toEqual({ key: "sk_AbCdEfGh-the-rest", apiKey: info({ role: "read" }) });
    expect(calls).toEqual([
      ["default", "deploy"],
      ["acme", "read"],
    ]);
  });

  it("refuses an unknown role before calling the server", async () => {
    const run = await runWith({}, ["key", "create", "--role", "owner"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("error: unknown role owner\nhint: use --role with one of: admin, deploy, read\n");
    expect(run.settings).toEqual([]);
  });

  it("reports the server's refusal of a key that may not manage keys", async () => {
    const api = {
      createApiKey: async (): Promise<{ key: string; apiKey: ApiKeyInfo }> => {
        throw new ApiError(403, "FORBIDDEN", "managing API keys needs an admin key of this tenant");
      },
    };
    const run = await runWith(api, ["key", "create"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("managing API keys needs an admin key of this tenant (FORBIDDEN, HTTP 403)");
  });

  it("has examples in its help", async () => {
    const run = await runWith({}, ["key", "create", "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("skiff key create --role read");
  });
});

describe("skiff key ls", () => {
  it("prints a table with status and last use, JSON, or how to create one", async () => {
    let keys: ApiKeyInfo[] = [
      info({ id: "k2", role: "read", lastUsedAt: USED }),
      info({ id: "k1", role: "admin", revokedAt: USED }),
    ];
    const api = { listApiKeys: async () => keys };
    expect((await runWith(api, ["key", "ls"])).stdout).toBe(
      "ID  ROLE   PREFIX        CREATED                   LAST USED                 STATUS\n" +
        "k2  read   sk_AbCdEfGh…  2025-01-02T03:04:05.000Z  2025-01-03T00:00:00.000Z  active\n" +
        "k1  admin  sk_AbCdEfGh…  2025-01-02T03:04:05.000Z  -                         revoked 2025-01-03T00:00:00.000Z\n",
    );
    expect(JSON.parse((await runWith(api, ["key", "ls", "--json"])).stdout)).toEqual(keys);
    keys = [];
    expect((await runWith(api, ["key", "ls", "-t", "acme"])).stdout).toBe(
      "No API keys in tenant acme. Create one with: skiff key create\n",
    );
  });
});

describe("skiff key revoke", () => {
  it("revokes the key by id", async () => {
    const calls: string[][] = [];
    const api = {
      revokeApiKey: async (tenant: string, id: string) => {
        calls.push([tenant, id]);
      },
    };
    expect((await runWith(api, ["key", "revoke", "k1"])).stdout).toBe("Revoked API key k1.\n");
    const json = await runWith(api, ["key", "revoke", "k2", "-t", "acme", "--json"]);
    expect(JSON.parse(json.stdout)).toEqual({ revoked: true, id: "k2" });
    expect(calls).toEqual([
      ["default", "k1"],
      ["acme", "k2"],
    ]);
  });

  it("asks for the id, and reports an unknown one", async () => {
    expect((await runWith({}, ["key", "revoke"])).stderr).toContain("missing <id>");
    const api = {
      revokeApiKey: async () => {
        throw new ApiError(404, "NOT_FOUND", 'API key "nope" does not exist in tenant "default"');
      },
    };
    const run = await runWith(api, ["key", "revoke", "nope"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("(NOT_FOUND, HTTP 404)");
  });
});
