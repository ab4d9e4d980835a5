// Request / Response bodies, forms and fetch() inside a real isolate, against what Node (undici) produces
// and expects, and the host side of fetch as the dispatcher sees it.

import { describe, expect, it } from "vitest";
import type { PlainFetchRequest, PlainFetchResponse } from "../fetch-types.js";
import { httpEvent } from "../testing/fixtures.js";
import { harnessLoader } from "../testing/harness-loader.js";
import type { HostCallHandlers } from "./sandbox.js";

const load = harnessLoader();

/** Runs `body` as an async Lambda-style handler of `input` in a fresh isolate; returns its JSON value. */
async function evaluate(
  body: string,
  input: unknown = null,
  hostCalls: HostCallHandlers = {},
): Promise<unknown> {
  const harness = await load(`export const handler = async (input) => { ${body} }`);
  const { result } = await harness.run({ kind: "invoke", payload: input }, hostCalls);
  if (result.outcome !== "ok") throw new Error(`${result.outcome}: ${result.error?.message}`);
  return result.value;
}

function okResponse(request: PlainFetchRequest, init: Partial<PlainFetchResponse> = {}): PlainFetchResponse {
  return {
    status: 200,
    statusText: "OK",
    headers: [["content-type", "text/plain"]],
    body: new TextEncoder().encode(`${request.method} ${request.url}`),
    url: request.url,
    redirected: false,
    ...init,
  };
}

describe("bodies", () => {
  it("streams a ReadableStream response to the host chunk by chunk", async () => {
    const harness = await load(`export default { fetch() {
      const encoder = new TextEncoder();
      let n = 0;
      const body = new ReadableStream({ pull(controller) {
        if (++n > 3) return controller.close();
        controller.enqueue(encoder.encode("chunk" + n + ";"));
      } });
      return new Response(body, { headers: { "content-type": "text/plain" } });
    } }`);
    const run = await harness.run();
    expect(run.status).toBe(200);
    expect(run.text()).toBe("chunk1;chunk2;chunk3;");
    expect(run.chunks.map((c) => new TextDecoder().decode(c))).toEqual(["chunk1;", "chunk2;", "chunk3;"]);
  });

  it("reads the request body as a stream, as text after clone, and knows when it was used", async () => {
    const harness = await load(`export default { async fetch(request) {
      const copy = request.clone();
      const reader = request.body.getReader();
      const chunks = [];
      for (;;) { const { done, value } = await reader.read(); if (done) break; chunks.push(...value); }
      let again = "no";
      try { await request.text(); } catch (e) { again = e.name; }
      return Response.json({ bytes: chunks.length, used: request.bodyUsed, copy: await copy.text(),
        copyUsed: copy.bodyUsed, noBody: new Request("https://x/").body });
    } }`);
    const run = await harness.run(httpEvent({ method: "PUT", body: new TextEncoder().encode("héllo") }));
    expect(run.json()).toEqual({ bytes: 6, used: true, copy: "héllo", copyUsed: true, noBody: null });
  });

  it("parses multipart bodies made by undici and makes multipart bodies undici parses", async () => {
    const form = new FormData();
    form.append("name", 'Zoë "quoted"\nline');
    form.append(
      "upload",
      new File([new Uint8Array([0, 1, 2, 255])], "data.bin", { type: "application/x-thing" }),
    );
    const request = new Request("http://fn.test/", { method: "POST", body: form });
    const bytes = new Uint8Array(await request.arrayBuffer());
    const harness = await load(`export default { async fetch(request) {
      const form = await request.formData();
      const file = form.get("upload");
      const reply = new FormData();
      reply.append("echo", form.get("name"));
      reply.append("file", new Blob([await file.arrayBuffer()], { type: file.type }), "back.bin");
      return new Response(reply);
    } }`);
    const run = await harness.run(
      httpEvent({
        method: "POST",
        headers: [["content-type", request.headers.get("content-type") ?? ""]],
        body: bytes,
      }),
    );
    const contentType = run.headers?.find(([name]) => name === "content-type")?.[1] ?? "";
    expect(contentType).toMatch(/^multipart\/form-data; boundary=/);
    const parsed = await new Response(run.body, { headers: { "content-type": contentType } }).formData();
    // Newlines in values go over the wire as CRLF (HTML's multipart/form-data encoding).
    expect(parsed.get("echo")).toBe('Zoë "quoted"\r\nline');
    const file = parsed.get("file") as File;
    expect(file.name).toBe("back.bin");
    expect(file.type).toBe("application/x-thing");
    expect([...new Uint8Array(await file.arrayBuffer())]).toEqual([0, 1, 2, 255]);
  });

  it("keeps streams, events, forms and crypto.subtle unloaded until a handler uses them", async () => {
    const lazy = ["ReadableStream", "AbortController", "Event", "Blob", "FormData", "CryptoKey"];
    const harness = await load(`
      const lazy = ${JSON.stringify(lazy)};
      const unloaded = () => lazy.filter((name) => typeof Object.getOwnPropertyDescriptor(globalThis, name).get === "function");
      export default { async fetch(request) {
        const before = unloaded();
        await request.text();
        new Request("https://x/", { method: "POST", body: "x", headers: { a: "1" } }).clone();
        const after = unloaded();
        const stream = typeof ReadableStream;
        return Response.json({ before, after, stream, afterStreams: unloaded() });
      } }`);
    const run = await harness.run(httpEvent({ method: "POST", body: new TextEncoder().encode("x") }));
    expect(run.json()).toEqual({
      before: lazy,
      after: lazy,
      stream: "function",
      afterStreams: lazy.filter((name) => name !== "ReadableStream"),
    });
  });
});

describe("fetch()", () => {
  it("sends the host a plain request and builds the Response from its answer", async () => {
    const seen: PlainFetchRequest[] = [];
    const out = await evaluate(
      `const response = await fetch("https://api.example/v1/items?q=1", {
         method: "post", headers: [["X-Trace", "a"], ["x-trace", "b"], ["Content-Type", "application/json"]],
         body: JSON.stringify({ k: 1 }), redirect: "manual" });
       let immutable = "no";
       try { response.headers.set("x", "y"); } catch (e) { immutable = e.name; }
       return { status: response.status, statusText: response.statusText, ok: response.ok, url: response.url,
         redirected: response.redirected, type: response.type, text: await response.text(),
         header: response.headers.get("x-upstream"), immutable };`,
      null,
      {
        fetch: async (args) => {
          const request = args as PlainFetchRequest;
          seen.push(request);
          return okResponse(request, {
            status: 201,
            statusText: "Created",
            headers: [["x-upstream", "yes"]],
            url: "https://api.example/v1/items/7",
            redirected: true,
          });
        },
      },
    );
    expect(seen).toHaveLength(1);
    expect(seen[0]).toEqual({
      url: "https://api.example/v1/items?q=1",
      method: "POST",
      headers: [
        ["x-trace", "a"],
        ["x-trace", "b"],
        ["content-type", "application/json"],
      ],
      body: new TextEncoder().encode('{"k":1}'),
      redirect: "manual",
    });
    expect(out).toEqual({
      status: 201,
      statusText: "Created",
      ok: true,
      url: "https://api.example/v1/items/7",
      redirected: true,
      type: "basic",
      text: "POST https://api.example/v1/items?q=1",
      header: "yes",
      immutable: "TypeError",
    });
  });

  it("rejects with a TypeError carrying the host's message, and with the abort reason when aborted", async () => {
    let calls = 0;
    const out = await evaluate(
      `const failure = await fetch("http://10.0.0.1/").then(() => "resolved", (e) => e.name + ": " + e.message);
       const controller = new AbortController();
       const pending = fetch("https://slow.example/", { signal: controller.signal });
       // A timer runs after the microtasks in which fetch hands the request to the host.
       await new Promise((resolve) => setTimeout(resolve, 0));
       controller.abort(new Error("gave up"));
       const aborted = await pending.then(() => "resolved", (e) => e.message);
       const before = await fetch("https://x.example/", { signal: AbortSignal.abort() }).then(() => "resolved", (e) => e.name);
       const scheme = await fetch("file:///etc/passwd").then(() => "resolved", (e) => e.name);
       const getBody = await fetch("https://x.example/", { body: "x" }).then(() => "resolved", (e) => e.name);
       return { failure, aborted, before, scheme, getBody };`,
      null,
      {
        fetch: async (args) => {
          calls++;
          const request = args as PlainFetchRequest;
          if (request.url.startsWith("http://10.")) throw new Error("egress to 10.0.0.1 is not allowed");
          return new Promise(() => {});
        },
      },
    );
    expect(out).toEqual({
      failure: "TypeError: egress to 10.0.0.1 is not allowed",
      aborted: "gave up",
      before: "AbortError",
      scheme: "TypeError",
      getBody: "TypeError",
    });
    // Only the refused request and the one aborted mid-flight reached the host.
    expect(calls).toBe(2);
  });

  it("reads a streamed request body before handing it to the host", async () => {
    const seen: PlainFetchRequest[] = [];
    await evaluate(
      `const body = new ReadableStream({ start(c) { c.enqueue(new Uint8Array([1, 2])); c.enqueue(new Uint8Array([3])); c.close(); } });
       const r = await fetch("https://up.example/", { method: "PUT", body, duplex: "half" });
       return r.status;`,
      null,
      {
        fetch: async (args) => {
          seen.push(args as PlainFetchRequest);
          return okResponse(args as PlainFetchRequest, { status: 204, body: new Uint8Array(0) });
        },
      },
    );
    expect([...(seen[0]?.body ?? [])]).toEqual([1, 2, 3]);
  });
});
