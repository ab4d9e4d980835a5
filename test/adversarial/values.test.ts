// Issue 7, adversarial values: whatever a handler throws or returns, the platform answers with a clear status,
// never merges tenant objects into its own, and keeps serving an unrelated tenant during and after.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../src/skiff-api.js";
import {
  type Arena,
  deployHostile,
  duringAttack,
  expectAttackAnswered,
  expectStillServing,
  HOSTILE_TENANT,
  invokeHostile,
  startArena,
} from "./harness.js";

let arena: Arena;

beforeAll(async () => {
  arena = await startArena();
});

afterAll(async () => {
  expect(await arena.server.stop()).toBe(0);
});

describe("thrown values that are not Errors", () => {
  it.each([
    ["null", "throw-null.js"],
    ["42", "throw-42.js"],
    ["undefined", "throw-undefined.js"],
    ["a Symbol", "throw-symbol.js"],
  ])("answers a throw of %s with 500 FUNCTION_ERROR", async (_label, file) => {
    const answer = await expectAttackAnswered(arena, {
      name: file.replace(/\.js$/, ""),
      file,
      status: 500,
      code: "FUNCTION_ERROR",
    });
    expect(Object.keys(answer.json.error).sort()).toEqual(["code", "invocationId", "message"]);
  });
});

describe("returned values", () => {
  it.each([
    ["a Workers fetch handler", "return-cyclic-object.js"],
    ["a Lambda handler", "return-cyclic-lambda.js"],
  ])("answers a cyclic object returned by %s with 502 INVALID_RESPONSE", async (_label, file) => {
    await expectAttackAnswered(arena, {
      name: file.replace(/\.js$/, ""),
      file,
      status: 502,
      code: "INVALID_RESPONSE",
    });
  });

  it("passes a 7 MB response body through whole: responses have no size limit (200)", async () => {
    // 7 MB of text needs more than a 32 MB isolate while the body is encoded; the default memory is enough.
    await deployHostile(arena, "return-7mb-body", "return-7mb-body.js", { timeoutMs: 10_000, cpuMs: 5000 });
    const answer = await duringAttack(arena, () => invokeHostile(arena, "return-7mb-body"));
    expect(answer.status).toBe(200);
    expect(answer.text.length).toBe(7 * 1024 * 1024);
    expect(/^x+$/.test(answer.text)).toBe(true);
    await expectStillServing(arena);
  });

  it.each([
    ["a Workers Response.json body", "return-proto-json.js", '{"__proto__":{"polluted":true}}'],
    ["a Lambda result", "return-proto-lambda.js", '{"__proto__":{"polluted":true},"plain":1}'],
  ])('passes {"__proto__": {"polluted": true}} in %s through as data (200)', async (_label, file, body) => {
    const name = file.replace(/\.js$/, "");
    await deployHostile(arena, name, file);
    const answer = await duringAttack(arena, () => invokeHostile(arena, name));
    expect({ status: answer.status, text: answer.text }).toEqual({ status: 200, text: body });
    expect(answer.headers["content-type"]).toMatch(/^application\/json/);
    await expectStillServing(arena);
  });

  it("leaves ({}).polluted undefined in the host after the __proto__ payloads", async () => {
    for (const name of ["return-proto-json", "return-proto-lambda"]) {
      expect((await invokeHostile(arena, name)).status).toBe(200);
    }
    // If Object.prototype.polluted were set in the server process, Hono would meet it in every `for…in` over
    // response headers, and every JSON answer (health, admin API, platform errors) would fail with a 500.
    const health = await call(`${arena.server.url}/healthz`);
    expect({ status: health.status, text: health.text }).toEqual({ status: 200, text: '{"status":"ok"}' });
    const listed = await arena.alpha.admin.listFunctions(HOSTILE_TENANT);
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.json)).not.toContain("polluted");
    const missing = await arena.alpha.admin.call("GET", `/tenants/${HOSTILE_TENANT}/functions/nope`);
    expect({ status: missing.status, code: missing.json?.error?.code }).toEqual({
      status: 404,
      code: "FUNCTION_NOT_FOUND",
    });
    expect(Object.keys(missing.json.error).sort()).toEqual(["code", "message"]);
    await expectStillServing(arena);
  });
});
