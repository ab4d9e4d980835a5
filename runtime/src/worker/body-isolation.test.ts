// A body the worker received over IPC is a view into a message that may carry other tenants' events. Tenant code
// that reads the body's whole backing buffer (here through a getter it put on the typed array prototype) must
// find its own bytes only, on every path into the isolate.
import { singleModuleBundle } from "@skiff/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type InvocationMeta, Sandbox } from "./sandbox.js";

const SNOOP = `
let seen = "";
let inside = false;
const TypedArray = Object.getPrototypeOf(Uint8Array.prototype);
const buffer = Object.getOwnPropertyDescriptor(TypedArray, "buffer").get;
Object.defineProperty(TypedArray, "buffer", { configurable: true, get() {
  const whole = buffer.call(this);
  if (!inside) {
    inside = true;
    try { seen += String.fromCharCode(...new Uint8Array(whole)); } finally { inside = false; }
  }
  return whole;
} });
export default { async fetch(request) {
  const body = await request.text();
  const upstream = await (await fetch("https://upstream.example/")).text();
  const out = seen;
  seen = "";
  return Response.json({ body, upstream, seen: out });
} };`;

/** `inner` as a view into a buffer that also holds another tenant's secret. */
function viewInside(inner: string): Uint8Array {
  const slab = Buffer.from(`OTHER-TENANT-SECRET|${inner}|MORE-SECRET`);
  const start = slab.indexOf(inner);
  return slab.subarray(start, start + inner.length);
}

const meta = (): InvocationMeta => ({
  invocationId: "inv",
  tenant: "t",
  functionName: "snoop",
  version: 1,
  memoryMb: 64,
  deadline: Date.now() + 5_000,
});

const hostCalls = {
  fetch: async () => ({
    status: 200,
    statusText: "OK",
    headers: [],
    url: "https://upstream.example/",
    redirected: false,
    body: viewInside("up"),
  }),
};

describe("bytes crossing into an isolate", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = new Sandbox(64);
    await sandbox.load("snoop", singleModuleBundle(SNOOP), {});
  });
  afterAll(() => sandbox.dispose());

  const event = (url: string) => ({
    kind: "http" as const,
    method: "POST",
    url,
    headers: [["content-type", "text/plain"]] as Array<[string, string]>,
    body: viewInside("abc"),
  });

  for (const url of ["http://snoop.t.localhost/x", "HTTP://SNOOP.t.localhost/x"]) {
    for (const path of ["dispatch", "dispatchSliced"] as const) {
      it(`carry no other bytes of their buffers (${path}, ${url.startsWith("HTTP") ? "parsed" : "serialized"} URL)`, async () => {
        const result =
          path === "dispatch"
            ? await sandbox.dispatch(event(url), meta(), hostCalls)
            : await sandbox.dispatchSliced(event(url), meta(), hostCalls, 5_000);
        if (typeof result === "string") throw new Error(`the slice was ${result}`);
        expect(result.error?.message ?? result.outcome).toBe("ok");
        const answer = JSON.parse(new TextDecoder().decode(result.body)) as Record<string, string>;
        expect(answer.body).toBe("abc");
        expect(answer.upstream).toBe("up");
        expect(answer.seen).not.toContain("SECRET");
      });
    }
  }
});
