// The Web APIs the prelude gives tenant code, exercised in a real isolate.
import { describe, expect, it } from "vitest";
import { httpEvent } from "../testing/fixtures.js";
import { harnessLoader } from "../testing/harness-loader.js";

const load = harnessLoader();

/** Runs `body` as the inside of an async fetch handler and returns what it responds, parsed as JSON. */
async function run(body: string, event = httpEvent()): Promise<unknown> {
  const harness = await load(`export default { async fetch(request, env, ctx) { ${body} } }`, { A: "1" });
  const { result, json } = await harness.run(event);
  if (result.outcome !== "ok") throw new Error(`${result.outcome}: ${result.error?.message}`);
  return json();
}

describe("prelude Web APIs", () => {
  it("parses URLs and query strings per the WHATWG URL standard", async () => {
    const out = await run(`
      const u = new URL("../x/./y?b=2&a=1#h", "https://EXAMPLE.com:443/p/q/");
      const p = new URLSearchParams("a=1&a=2&b=%20x");
      return Response.json({ href: u.href, host: u.host, a: p.getAll("a"), b: p.get("b"),
        idn: new URL("https://bücher.example/").hostname });`);
    expect(out).toEqual({
      href: "https://example.com/p/x/y?b=2&a=1#h",
      host: "example.com",
      a: ["1", "2"],
      b: " x",
      idn: "xn--bcher-kva.example",
    });
  });

  it("encodes and decodes UTF-8 and base64", async () => {
    const out = await run(`
      const bytes = new TextEncoder().encode("héllo €");
      return Response.json({ n: bytes.length, back: new TextDecoder().decode(bytes),
        b64: btoa("hello"), raw: atob("aGVsbG8="), bad: (() => { try { btoa("€"); return "no" } catch (e) { return e.name } })() });`);
    expect(out).toEqual({
      n: 10,
      back: "héllo €",
      b64: "aGVsbG8=",
      raw: "hello",
      bad: "InvalidCharacterError",
    });
  });

  it("gives random values, UUIDs and structuredClone", async () => {
    const out = (await run(`
      const a = crypto.getRandomValues(new Uint8Array(32));
      const b = crypto.getRandomValues(new Uint8Array(32));
      const clone = structuredClone({ d: new Date(0), m: new Map([[1, 2]]), nested: { x: [1] } });
      let tooBig = "no";
      try { crypto.getRandomValues(new Uint8Array(65537)) } catch (e) { tooBig = e.name }
      return Response.json({ same: a.join() === b.join(), nonzero: a.some((x) => x !== 0),
        uuid: crypto.randomUUID(), date: clone.d instanceof Date, map: clone.m.get(1), x: clone.nested.x, tooBig });`)) as Record<
      string,
      unknown
    >;
    expect(out.same).toBe(false);
    expect(out.nonzero).toBe(true);
    expect(out.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(out).toMatchObject({ date: true, map: 2, x: [1], tooBig: "RangeError" });
  });

  it("implements Request, Response and Headers semantics", async () => {
    const out = await run(
      `
      const h = new Headers({ "X-A": "1" });
      h.append("x-a", "2");
      const r = new Response("body", { status: 201, headers: h });
      const c = r.clone();
      const first = await r.text();
      let reuse = "no";
      try { await r.text() } catch (e) { reuse = e.name }
      let badStatus = "no";
      try { new Response("x", { status: 99 }) } catch (e) { badStatus = e.name }
      let getBody = "no";
      try { new Request("https://x/", { method: "GET", body: "x" }) } catch (e) { getBody = e.name }
      return Response.json({ first, second: await c.text(), status: c.status, ok: c.ok, xa: h.get("x-a"),
        method: request.method, url: request.url, ct: request.headers.get("content-type"), sent: await request.json(),
        reuse, badStatus, getBody, env: env.A, json: (await Response.json({ a: 1 }).json()).a });`,
      httpEvent({
        method: "post",
        url: "http://fn.test/p?q=1",
        headers: [["content-type", "application/json"]],
        body: new TextEncoder().encode('{"k":"v"}'),
      }),
    );
    expect(out).toEqual({
      first: "body",
      second: "body",
      status: 201,
      ok: true,
      xa: "1, 2",
      method: "POST",
      url: "http://fn.test/p?q=1",
      ct: "application/json",
      sent: { k: "v" },
      reuse: "TypeError",
      badStatus: "RangeError",
      getBody: "TypeError",
      env: "1",
      json: 1,
    });
  });

  it("runs timers and microtasks, and clears pending timers between invocations", async () => {
    const out = await run(`
      const order = [];
      queueMicrotask(() => order.push("micro"));
      await new Promise((resolve) => setTimeout(() => { order.push("timeout"); resolve(); }, 10));
      let ticks = 0;
      await new Promise((resolve) => { const id = setInterval(() => { if (++ticks === 3) { clearInterval(id); resolve(); } }, 1); });
      const cancelled = setTimeout(() => order.push("never"), 1);
      clearTimeout(cancelled);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return Response.json({ order, ticks });`);
    expect(out).toEqual({ order: ["micro", "timeout"], ticks: 3 });
  });

  it("captures console output with levels and bounds it", async () => {
    const harness = await load(
      `export default { fetch() {
         console.log("a", 1, { b: [2] });
         console.warn("w");
         for (let i = 0; i < 10000; i++) console.info("spam " + i);
         return new Response("ok");
       } }`,
    );
    const { result } = await harness.run();
    expect(result.logs[0]).toMatchObject({ level: "log", message: "a 1 { b: [ 2 ] }" });
    expect(result.logs[1]).toMatchObject({ level: "warn", message: "w" });
    // Every line is either kept or counted; the last kept line is the truncation marker.
    expect(result.droppedLogLines).toBeGreaterThan(0);
    expect(result.logs.length - 1 + result.droppedLogLines).toBe(10002);
    expect(result.logs.at(-1)?.message).toContain(`${result.droppedLogLines} more lines dropped`);
    // The buffer starts empty for the next invocation.
    const { result: next } = await harness.run();
    expect(next.logs.length - 1 + next.droppedLogLines).toBe(10002);
  });

  it("hides the host hooks from tenant code", async () => {
    const out =
      await run(`return Response.json({ host: typeof globalThis.__skiffHost, internal: typeof globalThis.__skiffInternal,
      process: typeof process, require: typeof require });`);
    expect(out).toEqual({
      host: "undefined",
      internal: "undefined",
      process: "undefined",
      require: "undefined",
    });
  });
});
