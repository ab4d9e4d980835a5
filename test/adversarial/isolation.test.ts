// Issue 7, adversarial isolation: one tenant's globals, keys and hostile names never reach another tenant or the
// metadata database; an unrelated tenant's function answers 200 during and after.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminClient, type Answer, invoke } from "../src/skiff-api.js";
import {
  type Arena,
  BYSTANDER,
  BYSTANDER_TENANT,
  deployHostile,
  duringAttack,
  expectPlatformError,
  expectStillServing,
  fixture,
  HOSTILE_TENANT,
  integrityCheck,
  invokeHostile,
  startArena,
} from "./harness.js";

const SQL_INJECTION = "x'); DROP TABLE functions; --";
const TEN_KB = "n".repeat(10 * 1024);

let arena: Arena;

beforeAll(async () => {
  arena = await startArena();
  await deployHostile(arena, "marker", "isolation-set-global.js");
  await arena.bravo.admin.mustDeploy(
    "reader",
    fixture("isolation-read-global.js"),
    undefined,
    BYSTANDER_TENANT,
  );
});

afterAll(async () => {
  expect(await arena.server.stop()).toBe(0);
});

describe("globals", () => {
  it("keeps what tenant A's function sets on its globals and prototypes out of tenant B's function", async () => {
    await duringAttack(arena, async () => {
      for (let i = 0; i < 3; i++) expect((await invokeHostile(arena, "marker")).text).toBe("marked\n");
    });
    const seen = await invoke(arena.server, "reader", "", {}, BYSTANDER_TENANT);
    expect({ status: seen.status, body: seen.json }).toEqual({
      status: 200,
      body: {
        leakedByA: "undefined",
        pollutedByA: "undefined",
        stringMethod: "undefined",
        randomBelowOne: true,
      },
    });
    await expectStillServing(arena);
  });
});

describe("keys across tenants", () => {
  it("answers 403 FORBIDDEN to B's key on every A admin URL, and the reverse", async () => {
    const bOnA: Array<[string, string, unknown?]> = [
      ["GET", `/tenants/${HOSTILE_TENANT}/functions`],
      ["GET", `/tenants/${HOSTILE_TENANT}/functions/marker`],
      ["PUT", `/tenants/${HOSTILE_TENANT}/functions/marker`, { code: fixture("bystander.js") }],
      ["DELETE", `/tenants/${HOSTILE_TENANT}/functions/marker`],
      ["GET", `/tenants/${HOSTILE_TENANT}/functions/marker/versions`],
      ["GET", `/tenants/${HOSTILE_TENANT}/functions/marker/invocations`],
      ["POST", `/tenants/${HOSTILE_TENANT}/functions/marker/rollback`, { version: 1 }],
      ["POST", `/tenants/${HOSTILE_TENANT}/functions/marker/invoke`, {}],
      ["GET", `/tenants/${HOSTILE_TENANT}/functions/marker/secrets`],
      ["PUT", `/tenants/${HOSTILE_TENANT}/functions/marker/secrets/TOKEN`, { value: "stolen" }],
      ["GET", `/tenants/${HOSTILE_TENANT}/kv`],
      ["GET", `/tenants/${HOSTILE_TENANT}/buckets`],
      ["GET", `/tenants/${HOSTILE_TENANT}/keys`],
      ["POST", `/tenants/${HOSTILE_TENANT}/keys`, { role: "admin" }],
      ["GET", `/tenants/${HOSTILE_TENANT}/quotas`],
    ];
    await duringAttack(arena, async () => {
      for (const [method, path, body] of bOnA) {
        const answer = await arena.bravo.admin.call(method, path, body);
        expect({
          request: `${method} ${path}`,
          status: answer.status,
          code: answer.json?.error?.code,
        }).toEqual({
          request: `${method} ${path}`,
          status: 403,
          code: "FORBIDDEN",
        });
      }
      expectPlatformError(await arena.alpha.admin.listFunctions(BYSTANDER_TENANT), 403, "FORBIDDEN");
      expectPlatformError(
        await arena.alpha.admin.call("DELETE", `/tenants/${BYSTANDER_TENANT}/functions/${BYSTANDER}`),
        403,
        "FORBIDDEN",
      );
      // Tenant keys cannot act as the operator.
      expectPlatformError(
        await arena.bravo.admin.call("POST", "/tenants", { name: "sneaky" }),
        403,
        "FORBIDDEN",
      );
    });
    // Nothing changed: A's function still answers as before, and is still version 1.
    expect((await invokeHostile(arena, "marker")).text).toBe("marked\n");
    const versions = await arena.alpha.admin.versions("marker", HOSTILE_TENANT);
    expect(versions.json.versions.map((v: { number: number }) => v.number)).toEqual([1]);
    await expectStillServing(arena);
  });

  it("serves A's function to anyone on the data plane: B's key makes no difference there", async () => {
    const answer = await invokeHostile(arena, "marker", "", {
      headers: { authorization: `Bearer ${arena.bravo.key}` },
    });
    expect({ status: answer.status, text: answer.text }).toEqual({ status: 200, text: "marked\n" });
  });
});

describe("hostile names and keys", () => {
  /** Refused as a name: 400 INVALID_NAME. Raw path segments, sent as they are. */
  const HOSTILE_SEGMENTS = [
    "..%2f",
    "..%2fbravo",
    "%2e%2e%2f%2e%2e%2ftenants",
    "a%00b",
    encodeURIComponent(SQL_INJECTION),
    "n".repeat(1000),
  ];
  /** Refused as names in JSON bodies, where a string may hold anything (NUL, 10 KB). */
  const HOSTILE_NAMES = ["../bravo", "..", "%2e%2e", "a\u0000b", SQL_INJECTION, TEN_KB];
  /** Stored verbatim as KV and object keys, which may be any text. */
  const VERBATIM_KEYS = ["..%2f", "../../skiff.db", "%2e%2e", "a\u0000b", SQL_INJECTION, "ключ/../🙂"];

  async function expectInvalidName(what: string, answer: Answer): Promise<void> {
    expect({ what, status: answer.status, code: answer.json?.error?.code }).toEqual({
      what,
      status: 400,
      code: "INVALID_NAME",
    });
  }

  it("refuses hostile function names in the path with 400 INVALID_NAME", async () => {
    await duringAttack(arena, async () => {
      for (const segment of HOSTILE_SEGMENTS) {
        const answer = await arena.alpha.admin.call(
          "PUT",
          `/tenants/${HOSTILE_TENANT}/functions/${segment}`,
          {
            code: fixture("bystander.js"),
          },
        );
        await expectInvalidName(`function ${segment.slice(0, 40)}`, answer);
      }
    });
    await expectStillServing(arena);
  });

  it("resolves a raw %2e%2e segment as the URL standard's `..`: the parent path, 404 NOT_FOUND, nothing stored", async () => {
    // `%2e%2e` is a dot segment (WHATWG URL), so PUT …/functions/%2e%2e addresses …/functions/, which has no PUT.
    const answer = await arena.alpha.admin.call("PUT", `/tenants/${HOSTILE_TENANT}/functions/%2e%2e`, {
      code: fixture("bystander.js"),
    });
    expectPlatformError(answer, 404, "NOT_FOUND");
    const deeper = await arena.alpha.admin.call(
      "PUT",
      `/tenants/${HOSTILE_TENANT}/functions/x/%2e%2e/%2e%2e/%2e%2e/${BYSTANDER_TENANT}/functions/${BYSTANDER}`,
      { code: fixture("bystander.js") },
    );
    // The resolved path is bravo's bystander: alpha's key is refused there.
    expectPlatformError(deeper, 403, "FORBIDDEN");
    const versions = await arena.bravo.admin.versions(BYSTANDER, BYSTANDER_TENANT);
    expect(versions.json.versions.length).toBe(1);
    await expectStillServing(arena);
  });

  it("refuses hostile tenant, KV namespace and bucket names in bodies with 400 INVALID_NAME", async () => {
    await duringAttack(arena, async () => {
      for (const name of HOSTILE_NAMES) {
        const label = JSON.stringify(name.slice(0, 40));
        await expectInvalidName(`tenant ${label}`, await arena.operator.call("POST", "/tenants", { name }));
        await expectInvalidName(
          `namespace ${label}`,
          await arena.alpha.admin.call("POST", `/tenants/${HOSTILE_TENANT}/kv`, { name }),
        );
        await expectInvalidName(
          `bucket ${label}`,
          await arena.alpha.admin.call("POST", `/tenants/${HOSTILE_TENANT}/buckets`, { name }),
        );
      }
    });
    const tenants = await arena.operator.call("GET", "/tenants");
    expect(tenants.json.tenants.map((t: { name: string }) => t.name).sort()).toEqual(
      [BYSTANDER_TENANT, HOSTILE_TENANT, "default"].sort(),
    );
    await expectStillServing(arena);
  });

  it("stores hostile KV and object keys verbatim and reads them back", async () => {
    const admin = arena.alpha.admin;
    expect((await admin.call("POST", `/tenants/${HOSTILE_TENANT}/kv`, { name: "hostile" })).status).toBe(201);
    expect((await admin.call("POST", `/tenants/${HOSTILE_TENANT}/buckets`, { name: "hostile" })).status).toBe(
      201,
    );
    await duringAttack(arena, async () => {
      for (const [index, key] of VERBATIM_KEYS.entries()) {
        const encoded = encodeURIComponent(key);
        const kvPath = `/tenants/${HOSTILE_TENANT}/kv/hostile/values/${encoded}`;
        expect((await admin.call("PUT", kvPath, `value ${index}`)).status).toBe(200);
        expect((await admin.call("GET", kvPath)).text).toBe(`value ${index}`);
        const objectPath = `/tenants/${HOSTILE_TENANT}/buckets/hostile/objects/${encoded}`;
        expect((await admin.call("PUT", objectPath, `object ${index}`)).status).toBeLessThan(300);
        expect((await admin.call("GET", objectPath)).text).toBe(`object ${index}`);
      }
    });
    const listed = await admin.call("GET", `/tenants/${HOSTILE_TENANT}/kv/hostile/keys`);
    expect(listed.json.keys.map((k: { name: string }) => k.name).sort()).toEqual([...VERBATIM_KEYS].sort());
    await expectStillServing(arena);
  });

  it("answers hostile API keys with 401 UNAUTHORIZED", async () => {
    await duringAttack(arena, async () => {
      for (const key of [SQL_INJECTION, "..%2f", "%2e%2e", TEN_KB, `${arena.alpha.key}' OR '1'='1`]) {
        const stranger = new AdminClient(arena.server, key);
        expectPlatformError(await stranger.listFunctions(HOSTILE_TENANT), 401, "UNAUTHORIZED");
      }
    });
    await expectStillServing(arena);
  });

  it("keeps the metadata database intact: PRAGMA integrity_check is ok and every function is still there", async () => {
    expect(integrityCheck(arena.server.dataDir)).toEqual(["ok"]);
    const listed = await arena.alpha.admin.listFunctions(HOSTILE_TENANT);
    expect(listed.json.functions.map((f: { name: string }) => f.name)).toEqual(["marker"]);
    const bravo = await arena.bravo.admin.listFunctions(BYSTANDER_TENANT);
    expect(bravo.json.functions.map((f: { name: string }) => f.name).sort()).toEqual([BYSTANDER, "reader"]);
    await expectStillServing(arena);
  });
});
