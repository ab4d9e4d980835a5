// What a handler sees of an HTTP event and its meta is the same whether the event crossed into the isolate as a
// copied object (`dispatch`) or as primitives rebuilt inside it (`dispatchSliced`, sandbox.ts httpArguments).
import { type InvocationEvent, singleModuleBundle } from "@skiff/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type InvocationMeta, Sandbox, type SandboxResult, SLICE_CUT } from "./sandbox.js";

const LONG_SLICE_MS = 5_000;

/** Echoes the request, the event and the meta as the prelude received them. */
const ECHO = `
// Tenant code that tampers with what the rebuilt event could go through: none of it may change the event.
Object.defineProperty(Object.prototype, "clientIp", { set() { throw new Error("setter ran"); }, configurable: true });
Object.defineProperty(Object.prototype, "eventId", { set() { throw new Error("setter ran"); }, configurable: true });
JSON.parse = () => { throw new Error("tampered JSON.parse ran"); };
export const handler = async (event, context) => {
  // Times of day differ between the two runs.
  delete event.requestContext.time;
  delete event.requestContext.timeEpoch;
  return {
  statusCode: 200,
  body: globalThis.JSON.stringify({
    event,
    context: {
      functionName: context.functionName,
      awsRequestId: context.awsRequestId,
      memory: context.memoryLimitInMB,
      version: context.functionVersion,
      // The deadline to the 100 s (the two runs read the clock at different times).
      deadline: Math.round((Date.now() + context.getRemainingTimeInMillis()) / 100000),
    },
  }),
  };
};`;

const FETCH = `export default {
  async fetch(request) {
    const body = [...new Uint8Array(await request.arrayBuffer())];
    return Response.json({ url: request.url, method: request.method, headers: [...request.headers], body });
  },
};`;

const meta = (overrides: Partial<InvocationMeta> = {}): InvocationMeta => ({
  invocationId: "inv-1",
  tenant: "acme",
  functionName: "echo",
  version: 3,
  memoryMb: 64,
  // Far ahead (2100-01-01), so that the Lambda context's remaining time tells which deadline crossed.
  deadline: 4_102_444_800_000,
  ...overrides,
});

const http = (overrides: Record<string, unknown> = {}): InvocationEvent =>
  ({
    kind: "http",
    method: "GET",
    url: "http://echo.acme.localhost/a?b=1",
    headers: [["accept", "*/*"]],
    body: null,
    ...overrides,
  }) as InvocationEvent;

async function both(sandbox: Sandbox, event: InvocationEvent, m: InvocationMeta): Promise<[string, string]> {
  const text = (result: SandboxResult | typeof SLICE_CUT) => {
    expect(result).not.toBe(SLICE_CUT);
    const r = result as SandboxResult;
    expect(r.error).toBeUndefined();
    return new TextDecoder().decode(r.body);
  };
  const copied = text(await sandbox.dispatch(event, m));
  const sliced = text(await sandbox.dispatchSliced(event, m, {}, LONG_SLICE_MS));
  return [sliced, copied];
}

describe("the HTTP event's crossing into the isolate", () => {
  let lambda: Sandbox;
  let workers: Sandbox;
  beforeAll(async () => {
    lambda = new Sandbox(64);
    await lambda.load("crossing-lambda", singleModuleBundle(ECHO), {});
    workers = new Sandbox(64);
    await workers.load("crossing-workers", singleModuleBundle(FETCH), {});
  });
  afterAll(() => {
    lambda.dispose();
    workers.dispose();
  });

  it.each([
    ["a plain GET", http(), meta()],
    ["a client address and an event id", http({ clientIp: "10.0.0.7" }), meta({ eventId: "evt-9" })],
    [
      "a body that is a view into a larger buffer",
      http({ method: "POST", body: Buffer.from("__abc__").subarray(2, 5) }),
      meta(),
    ],
    [
      "headers with text JSON escapes",
      http({
        headers: [
          ["x-a", 'q"\\\u00e9\u2028'],
          ["x-b", ""],
        ],
      }),
      meta(),
    ],
    ["a URL the isolate must parse", http({ url: "http://Echo.acme.localhost/./a/../b" }), meta()],
    ["a URL the caller marked serialized", http({ urlSerialized: true }), meta()],
    ["headers JSON would change (copied whole)", http({ headers: [["x-n", 1]] }), meta()],
    [
      "another version's fixed fields",
      http(),
      meta({ tenant: "other", functionName: "f2", version: 4, memoryMb: 128 }),
    ],
    ["the first version's fixed fields again", http(), meta({ invocationId: "inv-2", deadline: 12 })],
  ])("is the same for %s (Lambda event and context)", async (_, event, m) => {
    const [sliced, copied] = await both(lambda, event, m);
    expect(sliced).toBe(copied);
  });

  it("gives a Workers handler the same request (URL, method, headers, body)", async () => {
    for (const event of [
      http(),
      http({ method: "PUT", body: new Uint8Array([0, 1, 255]), headers: [["content-type", "x/y"]] }),
      http({ url: "http://echo.acme.localhost/%2e%2E/x?y" }),
    ]) {
      const [sliced, copied] = await both(workers, event, meta());
      expect(sliced).toBe(copied);
      expect(JSON.parse(sliced).url).toBe(new URL(event.kind === "http" ? event.url : "").href);
    }
  });
});

describe("host calls given as a function", () => {
  it("makes them only on the first host call of an invocation, once", async () => {
    const sandbox = new Sandbox(64);
    try {
      await sandbox.load(
        "lazy-host-calls",
        singleModuleBundle(`export default {
          async fetch(request) {
            if (!request.url.endsWith("/call")) return new Response("none");
            const a = await fetch("http://up.test/1").then((r) => r.text());
            const b = await fetch("http://up.test/2").then((r) => r.text());
            return new Response(a + b);
          },
        }`),
        {},
      );
      let made = 0;
      const hostCalls = () => {
        made++;
        return {
          fetch: async (args: unknown) => ({
            status: 200,
            statusText: "",
            headers: [],
            body: new TextEncoder().encode(String((args as { url?: unknown }).url).slice(-1)),
          }),
        };
      };
      const none = await sandbox.dispatchSliced(http(), meta(), hostCalls, LONG_SLICE_MS);
      expect(none).not.toBe(SLICE_CUT);
      expect(made).toBe(0);
      const called = await sandbox.dispatchSliced(
        http({ url: "http://echo.acme.localhost/call" }),
        meta(),
        hostCalls,
        LONG_SLICE_MS,
      );
      expect(made).toBe(1);
      expect((called as SandboxResult).outcome).toBe("ok");
    } finally {
      sandbox.dispose();
    }
  });
});
