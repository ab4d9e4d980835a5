import { describe, expect, it } from "vitest";
import type { KvPage, KvPutOptions } from "../../api-client.js";
import { ApiError } from "../../api-error.js";
import { runWith } from "../../testing/cli-harness.js";

const utf8 = new TextEncoder();

describe("skiff kv put", () => {
  function recording() {
    const puts: Array<{
      tenant: string;
      namespace: string;
      key: string;
      value: string;
      options: KvPutOptions | undefined;
    }> = [];
    const api = {
      kvPut: async (
        tenant: string,
        namespace: string,
        key: string,
        value: Uint8Array,
        options?: KvPutOptions,
      ) => {
        puts.push({ tenant, namespace, key, value: new TextDecoder().decode(value), options });
      },
    };
    return { puts, api };
  }

  it("writes the value with a TTL and metadata", async () => {
    const { puts, api } = recording();
    const run = await runWith(api, [
      "kv",
      "put",
      "cache",
      "user:7",
      "ada lovelace",
      "--ttl",
      "3600",
      "--metadata",
      '{"plan":"pro"}',
    ]);
    expect(run).toMatchObject({ code: 0, stdout: 'Wrote "user:7" to KV namespace cache.\n', stderr: "" });
    expect(puts).toEqual([
      {
        tenant: "default",
        namespace: "cache",
        key: "user:7",
        value: "ada lovelace",
        options: { ttlSeconds: 3600, expiration: undefined, metadata: { plan: "pro" } },
      },
    ]);
  });

  it.each([
    [["--ttl", "30"], "error: --ttl must be at least 60 seconds, got 30"],
    [["--ttl", "soon"], 'error: --ttl must be a whole number, got "soon"'],
    [["--ttl", "60", "--expiration", "1900000000"], "error: give --ttl or --expiration, not both"],
    [["--metadata", "{nope"], "error: --metadata is not JSON: {nope"],
  ])("refuses %j before calling the server", async (extra, message) => {
    const { puts, api } = recording();
    const run = await runWith(api, ["kv", "put", "cache", "k", "v", ...extra]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(message);
    expect(run.settings).toEqual([]);
    expect(puts).toEqual([]);
  });
});

describe("skiff kv get", () => {
  const api = {
    kvGet: async (_tenant: string, _namespace: string, key: string) => {
      if (key === "gone") throw new ApiError(404, "NOT_FOUND", 'no key "gone" in KV namespace "cache"');
      if (key === "binary") return { value: Uint8Array.of(0, 255, 10), metadata: null, expiration: null };
      return { value: utf8.encode("héllo"), metadata: { plan: "pro" }, expiration: 1_900_000_000 };
    },
  };

  it("prints the value's bytes without a newline", async () => {
    expect((await runWith(api, ["kv", "get", "cache", "greeting"])).stdout).toBe("héllo");
    expect((await runWith(api, ["kv", "get", "cache", "binary"])).bytes).toEqual(Uint8Array.of(0, 255, 10));
  });

  it("prints text or base64 with metadata and expiry as JSON", async () => {
    expect(JSON.parse((await runWith(api, ["kv", "get", "cache", "greeting", "--json"])).stdout)).toEqual({
      key: "greeting",
      value: "héllo",
      metadata: { plan: "pro" },
      expiration: 1_900_000_000,
    });
    expect(JSON.parse((await runWith(api, ["kv", "get", "cache", "binary", "--json"])).stdout)).toEqual({
      key: "binary",
      base64: "AP8K",
      metadata: null,
      expiration: null,
    });
  });

  it("exits 1 for a missing key", async () => {
    const run = await runWith(api, ["kv", "get", "cache", "gone"]);
    expect(run).toMatchObject({ code: 1, stdout: "" });
    expect(run.stderr).toContain('no key "gone" in KV namespace "cache" (NOT_FOUND, HTTP 404)');
  });
});

describe("skiff kv ls", () => {
  it("follows the cursor to the end and prints keys with expiry", async () => {
    const cursors: Array<string | undefined> = [];
    const pages: KvPage[] = [
      { keys: [{ name: "a", expiration: null, metadata: null }], cursor: "c1", complete: false },
      { keys: [{ name: "b", expiration: 1_900_000_000, metadata: { x: 1 } }], cursor: null, complete: true },
    ];
    const api = {
      kvList: async (
        _t: string,
        _ns: string,
        query: { prefix?: string | undefined; cursor?: string | undefined } = {},
      ) => {
        cursors.push(query.cursor);
        expect(query.prefix).toBe("user:");
        return pages[cursors.length - 1] as KvPage;
      },
    };
    const run = await runWith(api, ["kv", "ls", "cache", "--prefix", "user:"]);
    expect(run.code).toBe(0);
    expect(cursors).toEqual([undefined, "c1"]);
    expect(run.stdout).toBe("KEY  EXPIRES\na    -\nb    2030-03-17T17:46:40.000Z\n");
    cursors.length = 0;
    const json = await runWith(api, ["kv", "ls", "cache", "-p", "user:", "--json"]);
    expect(JSON.parse(json.stdout)).toEqual(pages.flatMap((page) => page.keys));
  });
});

describe("skiff kv rm, create and namespaces", () => {
  it("deletes a key", async () => {
    const calls: string[][] = [];
    const api = {
      kvDelete: async (tenant: string, namespace: string, key: string) => {
        calls.push([tenant, namespace, key]);
      },
    };
    expect((await runWith(api, ["kv", "rm", "cache", "k"])).stdout).toBe(
      "Deleted k from KV namespace cache.\n",
    );
    expect(calls).toEqual([["default", "cache", "k"]]);
  });

  it("creates and lists namespaces", async () => {
    const names: string[] = [];
    const api = {
      createKvNamespace: async (_tenant: string, name: string) => {
        names.push(name);
      },
      listKvNamespaces: async () => names,
    };
    expect((await runWith(api, ["kv", "namespaces"])).stdout).toBe(
      "No KV namespaces in tenant default. Create one with: skiff kv create <name>\n",
    );
    expect((await runWith(api, ["kv", "create", "cache"])).stdout).toBe(
      "Created KV namespace cache in tenant default.\n  skiff kv put cache <key> <value>\n",
    );
    expect((await runWith(api, ["kv", "namespaces"])).stdout).toBe("cache\n");
    expect(JSON.parse((await runWith(api, ["kv", "namespaces", "--json"])).stdout)).toEqual(["cache"]);
  });
});
