import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type SqliteHarness, startSqliteHarness } from "../testing/sqlite-harness.js";
import { asciiJson } from "./kv-routes.js";

const KV = "/api/v1/tenants/acme/kv";
const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);
const HOSTILE_KEYS = ["../../etc/passwd", "a\u0000b", " spaced ", "日本/ü 😀", "%41", "q?x#y", "a/b/"];
const value = (ns: string, key: string) => `${KV}/${ns}/values/${encodeURIComponent(key)}`;
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

let h: SqliteHarness;
let nowSeconds: number;
beforeEach(async () => {
  h = await startSqliteHarness();
  nowSeconds = Math.floor(h.clock.now / 1000);
});
afterEach(async () => {
  await h.close();
});

async function namespace(name = "cache") {
  const reply = await h.call("POST", KV, { body: { name } });
  if (reply.status !== 201) throw new Error(`create namespace failed: ${JSON.stringify(reply.json)}`);
}

async function put(
  ns: string,
  key: string,
  body: Uint8Array | string,
  query = "",
  headers?: Record<string, string>,
) {
  return h.call("PUT", `${value(ns, key)}${query}`, { body, ...(headers === undefined ? {} : { headers }) });
}

describe("namespaces", () => {
  it("creates (201), lists, refuses a duplicate (409) and deletes (then 404)", async () => {
    const created = await h.call("POST", KV, { key: h.acmeKey, body: { name: "cache" } });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ namespace: { name: "cache" } });
    await namespace("sessions");
    expect((await h.call("GET", KV)).json).toEqual({ namespaces: [{ name: "cache" }, { name: "sessions" }] });
    const again = await h.call("POST", KV, { body: { name: "cache" } });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe("CONFLICT");

    await put("cache", "k", "v");
    expect((await h.call("DELETE", `${KV}/cache`)).json).toEqual({ deleted: true, name: "cache" });
    expect((await h.call("GET", KV)).json.namespaces).toEqual([{ name: "sessions" }]);
    const gone = await h.call("DELETE", `${KV}/cache`);
    expect(gone.status).toBe(404);
    expect(gone.json.error.code).toBe("NOT_FOUND");
    // A namespace of the same name starts empty.
    await namespace("cache");
    expect((await h.call("GET", value("cache", "k"))).status).toBe(404);
  });

  it.each([
    [{ name: "Cache" }, "INVALID_NAME"],
    [{ name: "a b" }, "INVALID_NAME"],
    [{ name: "" }, "INVALID_NAME"],
    [{ name: 1 }, "INVALID_REQUEST"],
    [{ name: "ok", title: "x" }, "INVALID_REQUEST"],
  ])("refuses %j with 400 %s", async (body, code) => {
    const reply = await h.call("POST", KV, { body });
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe(code);
    expect((await h.call("GET", KV)).json.namespaces).toEqual([]);
  });

  it("answers 404 NOT_FOUND for every route of a namespace that does not exist", async () => {
    for (const [method, path] of [
      ["GET", `${KV}/nope/keys`],
      ["GET", value("nope", "k")],
      ["PUT", value("nope", "k")],
      ["DELETE", value("nope", "k")],
    ] as const) {
      const reply = await h.call(method, path, { body: method === "PUT" ? "v" : undefined });
      expect(reply.status, `${method} ${path}`).toBe(404);
      expect(reply.json.error).toMatchObject({
        code: "NOT_FOUND",
        message: expect.stringContaining('"nope"'),
      });
    }
  });
});

describe("values", () => {
  beforeEach(async () => {
    await namespace();
  });

  it("stores the raw body and gives back the same bytes", async () => {
    const stored = await put("cache", "bin", ALL_BYTES);
    expect(stored.status).toBe(200);
    expect(stored.json).toEqual({ key: "bin", size: 256, expiration: null, metadata: null });
    const read = await h.call("GET", value("cache", "bin"));
    expect(read.status).toBe(200);
    expect(read.bytes).toEqual(ALL_BYTES);
    expect(read.headers.get("content-type")).toBe("application/octet-stream");
    expect(read.headers.get("x-skiff-kv-metadata")).toBeNull();
    expect(read.headers.get("x-skiff-kv-expiration")).toBeNull();

    await put("cache", "bin", "replaced");
    expect(text((await h.call("GET", value("cache", "bin"))).bytes)).toBe("replaced");
    await put("cache", "empty", new Uint8Array(0));
    expect((await h.call("GET", value("cache", "empty"))).bytes).toEqual(new Uint8Array(0));
  });

  it("stores metadata from the header and gives it back as ASCII JSON", async () => {
    const metadata = { owner: "Zoë 😀", n: [1, 2] };
    const stored = await put("cache", "m", "v", "", { "x-skiff-kv-metadata": asciiJson(metadata) });
    expect(stored.json.metadata).toEqual(metadata);
    const read = await h.call("GET", value("cache", "m"));
    expect(read.headers.get("x-skiff-kv-metadata")).toBe('{"owner":"Zo\\u00eb \\ud83d\\ude00","n":[1,2]}');
    expect(JSON.parse(read.headers.get("x-skiff-kv-metadata") ?? "")).toEqual(metadata);
    const listed = await h.call("GET", `${KV}/cache/keys`);
    expect(listed.json.keys).toEqual([{ name: "m", expiration: null, metadata }]);
  });

  it("expires a value set with expiration_ttl once the clock passes it", async () => {
    const stored = await put("cache", "t", "v", "?expiration_ttl=60");
    expect(stored.json.expiration).toBe(nowSeconds + 60);
    const read = await h.call("GET", value("cache", "t"));
    expect(read.headers.get("x-skiff-kv-expiration")).toBe(String(nowSeconds + 60));
    h.clock.now += 59_000;
    expect((await h.call("GET", value("cache", "t"))).status).toBe(200);
    h.clock.now += 2_000;
    const expired = await h.call("GET", value("cache", "t"));
    expect(expired.status).toBe(404);
    expect(expired.json.error.code).toBe("NOT_FOUND");
    expect((await h.call("GET", `${KV}/cache/keys`)).json.keys).toEqual([]);
  });

  it("expires a value set with an absolute expiration", async () => {
    const at = nowSeconds + 3600;
    expect((await put("cache", "a", "v", `?expiration=${at}`)).json.expiration).toBe(at);
    expect((await h.call("GET", `${KV}/cache/keys`)).json.keys).toEqual([
      { name: "a", expiration: at, metadata: null },
    ]);
    h.clock.now = at * 1000;
    expect((await h.call("GET", value("cache", "a"))).status).toBe(404);
  });

  it.each([
    ["a TTL under 60 s", "?expiration_ttl=59"],
    ["an expiration in the past", "?expiration=1000"],
    ["an expiration under 60 s away", "?expiration=NOW_PLUS_30"],
    ["both expiration and a TTL", "?expiration=NOW_PLUS_3600&expiration_ttl=3600"],
    ["a TTL that is not a number", "?expiration_ttl=soon"],
    ["an unknown parameter", "?ttl=3600"],
  ])("refuses %s with 400 INVALID_REQUEST, storing nothing", async (_, query) => {
    const resolved = query
      .replace("NOW_PLUS_30", String(nowSeconds + 30))
      .replace("NOW_PLUS_3600", String(nowSeconds + 3600));
    const reply = await put("cache", "k", "v", resolved);
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe("INVALID_REQUEST");
    expect((await h.call("GET", value("cache", "k"))).status).toBe(404);
  });

  it.each([
    ["not JSON", "{nope"],
    ["past ASCII", '{"name":"é"}'],
    ["over 1 KB", JSON.stringify({ pad: "x".repeat(1100) })],
  ])("refuses metadata %s with 400 INVALID_REQUEST", async (_, header) => {
    const reply = await put("cache", "k", "v", "", { "x-skiff-kv-metadata": header });
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe("INVALID_REQUEST");
    expect((await h.call("GET", value("cache", "k"))).status).toBe(404);
  });

  it("refuses a value over 25 MB with 413 while it streams", async () => {
    let sent = 0;
    const chunk = new Uint8Array(1024 * 1024);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 40) return controller.close();
        sent += 1;
        controller.enqueue(chunk);
      },
    });
    const reply = await h.call("PUT", value("cache", "big"), { body });
    expect(reply.status).toBe(413);
    expect(reply.json.error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(sent).toBeLessThan(40);
    expect((await h.call("GET", value("cache", "big"))).status).toBe(404);
  });

  it("deletes a key, and deleting a missing key succeeds as in Workers KV", async () => {
    await put("cache", "k", "v");
    expect((await h.call("DELETE", value("cache", "k"))).json).toEqual({ deleted: true, key: "k" });
    expect((await h.call("GET", value("cache", "k"))).status).toBe(404);
    expect((await h.call("DELETE", value("cache", "k"))).status).toBe(200);
  });

  it("round-trips hostile keys as plain keys", async () => {
    for (const [i, key] of HOSTILE_KEYS.entries()) {
      expect((await put("cache", key, `value ${i}`)).status, JSON.stringify(key)).toBe(200);
    }
    for (const [i, key] of HOSTILE_KEYS.entries()) {
      expect(text((await h.call("GET", value("cache", key))).bytes), JSON.stringify(key)).toBe(`value ${i}`);
    }
    const listed = await h.call("GET", `${KV}/cache/keys`);
    expect(listed.json.keys.map((k: { name: string }) => k.name)).toEqual([...HOSTILE_KEYS].sort());
  });

  it.each([
    ["an empty key", `${KV}/cache/values/`],
    ["a key over 512 bytes", `${KV}/cache/values/${"k".repeat(513)}`],
    ["a malformed escape", `${KV}/cache/values/%FF`],
  ])("refuses %s with 400", async (_, path) => {
    const reply = await h.call("PUT", path, { body: "v" });
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe("INVALID_REQUEST");
  });
});

describe("GET …/kv/{ns}/keys", () => {
  beforeEach(async () => {
    await namespace();
    for (const key of ["user:1", "user:2", "user:3", "session:1", "z"]) await put("cache", key, key);
  });

  it("lists keys in order, filtered by prefix", async () => {
    const all = await h.call("GET", `${KV}/cache/keys`);
    expect(all.json).toEqual({
      keys: ["session:1", "user:1", "user:2", "user:3", "z"].map((name) => ({
        name,
        expiration: null,
        metadata: null,
      })),
      cursor: null,
      complete: true,
    });
    const users = await h.call("GET", `${KV}/cache/keys?prefix=user:`);
    expect(users.json.keys.map((k: { name: string }) => k.name)).toEqual(["user:1", "user:2", "user:3"]);
  });

  it("pages with limit and cursor", async () => {
    const names: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor === null ? "limit=2" : `limit=2&cursor=${encodeURIComponent(cursor)}`;
      const reply = await h.call("GET", `${KV}/cache/keys?${query}`);
      pages += 1;
      names.push(...reply.json.keys.map((k: { name: string }) => k.name));
      expect(reply.json.complete).toBe(reply.json.cursor === null);
      cursor = reply.json.cursor;
    } while (cursor !== null && pages < 10);
    expect(names).toEqual(["session:1", "user:1", "user:2", "user:3", "z"]);
    expect(pages).toBe(3);
  });

  it.each(["limit=0", "limit=1001", "limit=two", "after=x"])("refuses ?%s with 400", async (query) => {
    const reply = await h.call("GET", `${KV}/cache/keys?${query}`);
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe("INVALID_REQUEST");
  });
});

describe("access", () => {
  beforeEach(async () => {
    await namespace();
    await put("cache", "secret", "tenant A's value");
  });

  it("lets a read key only read", async () => {
    const key = h.acmeReadKey;
    expect((await h.call("GET", KV, { key })).status).toBe(200);
    expect((await h.call("GET", `${KV}/cache/keys`, { key })).status).toBe(200);
    expect(text((await h.call("GET", value("cache", "secret"), { key })).bytes)).toBe("tenant A's value");
    for (const [method, path, body] of [
      ["POST", KV, { name: "more" }],
      ["DELETE", `${KV}/cache`, undefined],
      ["PUT", value("cache", "secret"), "overwritten"],
      ["DELETE", value("cache", "secret"), undefined],
    ] as const) {
      const reply = await h.call(method, path, { key, body });
      expect(reply.status, `${method} ${path}`).toBe(403);
      expect(reply.json.error.code).toBe("FORBIDDEN");
    }
    expect(text((await h.call("GET", value("cache", "secret"))).bytes)).toBe("tenant A's value");
  });

  it("refuses another tenant's key with 403 on every route, and no key with 401", async () => {
    for (const [method, path, body] of [
      ["GET", KV, undefined],
      ["POST", KV, { name: "stolen" }],
      ["DELETE", `${KV}/cache`, undefined],
      ["GET", `${KV}/cache/keys`, undefined],
      ["GET", value("cache", "secret"), undefined],
      ["PUT", value("cache", "secret"), "overwritten"],
      ["DELETE", value("cache", "secret"), undefined],
    ] as const) {
      const foreign = await h.call(method, path, { key: h.otherKey, body });
      expect(foreign.status, `${method} ${path}`).toBe(403);
      expect(foreign.json.error.code).toBe("FORBIDDEN");
      expect(text(foreign.bytes)).not.toContain("tenant A's value");
      expect((await h.call(method, path, { key: null, body })).status).toBe(401);
    }
    expect(text((await h.call("GET", value("cache", "secret"))).bytes)).toBe("tenant A's value");
    expect((await h.call("GET", KV)).json.namespaces).toEqual([{ name: "cache" }]);
  });

  it("keeps tenants' namespaces of the same name apart", async () => {
    await h.call("POST", "/api/v1/tenants/other/kv", { key: h.otherKey, body: { name: "cache" } });
    const theirs = await h.call("GET", "/api/v1/tenants/other/kv/cache/values/secret", { key: h.otherKey });
    expect(theirs.status).toBe(404);
  });
});

describe("asciiJson", () => {
  it("escapes everything past ASCII and parses back to the same value", () => {
    const input = { a: "é\u007f😀", b: [null, 1.5, "plain"] };
    const out = asciiJson(input);
    expect(out).toMatch(/^[\x20-\x7e]*$/);
    expect(JSON.parse(out)).toEqual(input);
  });
});
