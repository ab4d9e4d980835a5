import { describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../testing/harness.js";

const FN = "/api/v1/tenants/default/functions";
const VALUE = "v4lue-that-must-never-come-back";

function secretsOf(h: Harness, name: string) {
  return h.gateway.routes.get("default", name)?.secrets;
}

describe("PUT …/functions/{name}/secrets/{NAME}", () => {
  it("creates (201) then replaces (200) a secret, never echoing the value", async () => {
    const h = await startHarness();
    await h.deploy("hello");
    const created = await h.api("PUT", `${FN}/hello/secrets/TOKEN`, { key: h.key, body: { value: VALUE } });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({
      secret: { name: "TOKEN", createdAt: h.clock.now, updatedAt: h.clock.now },
    });
    const createdAt = h.clock.now;
    h.clock.now += 5_000;
    const replaced = await h.api("PUT", `${FN}/hello/secrets/TOKEN`, { body: { value: "second" } });
    expect(replaced.status).toBe(200);
    expect(replaced.json.secret).toEqual({ name: "TOKEN", createdAt, updatedAt: createdAt + 5_000 });
    expect(JSON.stringify([created.json, replaced.json])).not.toContain(VALUE);
    expect(await h.storage.secrets.reveal("default", "hello")).toEqual({ TOKEN: "second" });
  });

  it("puts the new value in the routing table at once and drops the version's warm isolates", async () => {
    const h = await startHarness();
    await h.deploy("hello");
    const versionId = h.gateway.routes.get("default", "hello")?.id;
    await h.api("PUT", `${FN}/hello/secrets/TOKEN`, { body: { value: "one" } });
    expect(secretsOf(h, "hello")).toEqual({ TOKEN: "one" });
    expect(h.runtime.evicted).toEqual([versionId]);

    await h.gateway.app.request("/fn/default/hello");
    expect(h.runtime.invocations.at(-1)?.version.secrets).toEqual({ TOKEN: "one" });
    expect(h.gateway.routes.get("default", "hello")?.id).toBe(versionId);

    await h.api("PUT", `${FN}/hello/secrets/OTHER`, { body: { value: "two" } });
    await h.gateway.app.request("/fn/default/hello");
    expect(h.runtime.invocations.at(-1)?.version.secrets).toEqual({ TOKEN: "one", OTHER: "two" });
  });

  it("refuses a name that is a var of the active version with 400 INVALID_CONFIG", async () => {
    const h = await startHarness();
    await h.deploy("hello", "export default {}", { vars: { MODE: "prod" } });
    const reply = await h.api("PUT", `${FN}/hello/secrets/MODE`, { body: { value: "x" } });
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe("INVALID_CONFIG");
    expect(reply.json.error.message).toContain("MODE");
    expect(await h.storage.secrets.list("default", "hello")).toEqual([]);
    expect(secretsOf(h, "hello")).toEqual({});
  });

  it.each([
    ["1BAD", { value: "x" }, 400, "INVALID_NAME"],
    ["A-B", { value: "x" }, 400, "INVALID_NAME"],
    ["__proto__", { value: "x" }, 400, "INVALID_NAME"],
    ["OK", { value: 5 }, 400, "INVALID_REQUEST"],
    ["OK", { value: "x", extra: 1 }, 400, "INVALID_REQUEST"],
    ["OK", {}, 400, "INVALID_REQUEST"],
    ["OK", "not json", 400, "INVALID_JSON"],
    ["OK", { value: "x".repeat(5 * 1024 + 1) }, 400, "INVALID_CONFIG"],
  ])("refuses %s with %j: %i %s", async (name, body, status, code) => {
    const h = await startHarness();
    await h.deploy("hello");
    const reply = await h.api("PUT", `${FN}/hello/secrets/${name}`, { body });
    expect(reply.status).toBe(status);
    expect(reply.json.error.code).toBe(code);
    expect(await h.storage.secrets.list("default", "hello")).toEqual([]);
    expect(h.runtime.evicted).toEqual([]);
  });

  it("answers 404 FUNCTION_NOT_FOUND for a function that does not exist yet", async () => {
    const h = await startHarness();
    const reply = await h.api("PUT", `${FN}/nope/secrets/TOKEN`, { body: { value: "x" } });
    expect(reply.status).toBe(404);
    expect(reply.json.error.code).toBe("FUNCTION_NOT_FOUND");
  });

  it("is refused to a read-only key and to another tenant's key", async () => {
    const h = await startHarness();
    await h.deploy("hello");
    const { key: readKey } = await h.storage.apiKeys.create("default", "read");
    const other = await h.api("POST", "/api/v1/tenants", { body: { name: "other" } });
    for (const key of [readKey, other.json.apiKey]) {
      const reply = await h.api("PUT", `${FN}/hello/secrets/TOKEN`, { key, body: { value: "x" } });
      expect(reply.status).toBe(403);
    }
    expect((await h.api("GET", `${FN}/hello/secrets`, { key: readKey })).status).toBe(200);
    expect((await h.api("GET", `${FN}/hello/secrets`, { key: other.json.apiKey })).status).toBe(403);
    expect(await h.storage.secrets.list("default", "hello")).toEqual([]);
  });
});

describe("GET and DELETE …/functions/{name}/secrets", () => {
  it("lists names and times only, sorted", async () => {
    const h = await startHarness();
    await h.deploy("hello");
    await h.api("PUT", `${FN}/hello/secrets/ZED`, { body: { value: VALUE } });
    await h.api("PUT", `${FN}/hello/secrets/ALPHA`, { body: { value: VALUE } });
    const reply = await h.api("GET", `${FN}/hello/secrets`, { key: h.key });
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({
      secrets: [
        { name: "ALPHA", createdAt: h.clock.now, updatedAt: h.clock.now },
        { name: "ZED", createdAt: h.clock.now, updatedAt: h.clock.now },
      ],
    });
    expect(JSON.stringify(reply.json)).not.toContain(VALUE);
    expect((await h.api("GET", `${FN}/nope/secrets`)).json.error.code).toBe("FUNCTION_NOT_FOUND");
  });

  it("deletes a secret, updates the routing table and answers 404 NOT_FOUND the second time", async () => {
    const h = await startHarness();
    await h.deploy("hello");
    await h.api("PUT", `${FN}/hello/secrets/A`, { body: { value: "1" } });
    await h.api("PUT", `${FN}/hello/secrets/B`, { body: { value: "2" } });
    const reply = await h.api("DELETE", `${FN}/hello/secrets/A`);
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ deleted: true, name: "A" });
    expect(secretsOf(h, "hello")).toEqual({ B: "2" });
    const again = await h.api("DELETE", `${FN}/hello/secrets/A`);
    expect(again.status).toBe(404);
    expect(again.json.error.code).toBe("NOT_FOUND");
  });
});

describe("secrets in the deploy request", () => {
  it("stores them before the version and routes the version with them", async () => {
    const h = await startHarness();
    const reply = await h.api("PUT", `${FN}/fresh`, {
      body: { code: "export default {}", config: { vars: { MODE: "prod" } }, secrets: { TOKEN: VALUE } },
    });
    expect(reply.status).toBe(201);
    expect(JSON.stringify(reply.json)).not.toContain(VALUE);
    expect(await h.storage.secrets.reveal("default", "fresh")).toEqual({ TOKEN: VALUE });
    expect(secretsOf(h, "fresh")).toEqual({ TOKEN: VALUE });
    const listed = await h.api("GET", `${FN}/fresh/secrets`);
    expect(listed.json.secrets.map((s: { name: string }) => s.name)).toEqual(["TOKEN"]);
  });

  it("keeps secrets across deploys and rollbacks that do not name them", async () => {
    const h = await startHarness();
    await h.api("PUT", `${FN}/hello`, { body: { code: "export default 1", secrets: { A: "1" } } });
    await h.api("PUT", `${FN}/hello`, { body: { code: "export default 2", secrets: { B: "2" } } });
    expect(secretsOf(h, "hello")).toEqual({ A: "1", B: "2" });
    await h.api("POST", `${FN}/hello/rollback`, { body: { version: 1 } });
    expect(h.gateway.routes.get("default", "hello")).toMatchObject({
      number: 1,
      secrets: { A: "1", B: "2" },
    });
  });

  it.each([
    [
      "a var and a secret of the same name",
      { config: { vars: { TOKEN: "x" } }, secrets: { TOKEN: "y" } },
      "INVALID_CONFIG",
    ],
    ["a bad secret name", { secrets: { "BAD-NAME": "x" } }, "INVALID_NAME"],
    ["a secret that is not a string", { secrets: { A: { nested: true } } }, "INVALID_REQUEST"],
    ["secrets that are not an object", { secrets: ["A"] }, "INVALID_REQUEST"],
    ["a secret over 5 KB", { secrets: { A: "x".repeat(5 * 1024 + 1) } }, "INVALID_CONFIG"],
  ])("refuses %s with 400, storing nothing", async (_, extra, code) => {
    const h = await startHarness();
    const reply = await h.api("PUT", `${FN}/hello`, { body: { code: "export default {}", ...extra } });
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe(code);
    expect(JSON.stringify(reply.json)).not.toContain("xxxxx");
    expect(h.storage.functionRows.size).toBe(0);
    expect(h.runtime.checked).toEqual([]);
  });

  it("refuses a var named like a stored secret, keeping the serving version", async () => {
    const h = await startHarness();
    await h.deploy("hello");
    await h.api("PUT", `${FN}/hello/secrets/TOKEN`, { body: { value: "t" } });
    const reply = await h.api("PUT", `${FN}/hello`, {
      body: { code: "export default 2", config: { vars: { TOKEN: "plain" } } },
    });
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe("INVALID_CONFIG");
    expect(h.gateway.routes.get("default", "hello")?.number).toBe(1);
    expect((await h.storage.functions.listVersions("default", "hello")).length).toBe(1);
  });

  it("accepts JSON vars and hands them to the runtime as given", async () => {
    const h = await startHarness();
    const vars = { LIMITS: { rps: 5, burst: [1, 2] }, ENABLED: true, RATIO: 0.5, NAME: "x" };
    const reply = await h.api("PUT", `${FN}/hello`, {
      body: { code: "export default {}", config: { vars } },
    });
    expect(reply.status).toBe(201);
    expect(reply.json.version.config.vars).toEqual(vars);
    expect(h.gateway.routes.get("default", "hello")?.config.vars).toEqual(vars);
  });
});
