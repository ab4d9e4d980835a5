// The prelude's fast paths for an invocation (src/prelude: the host's request headers taken after cheap checks,
// header names and values checked in one pass, a sorted response header list not sorted again, methods
// already normalized, result objects on a frozen empty prototype) give what the general paths give: the same
// headers, the same errors, and the same results after tenant code changed the built-ins. Node's own Headers
// (undici) is the reference for what the Fetch standard makes of each input.

import { describe, expect, it } from "vitest";
import { httpEvent } from "./testing/fixtures.js";
import { harnessLoader } from "./testing/harness-loader.js";

const load = harnessLoader();

type Outcome = { entries: Array<[string, string]> } | { error: string };

/** What Node's Headers makes of `list`: its entries, or the name of the error it throws. */
function reference(list: unknown[]): Outcome {
  try {
    return { entries: [...new Headers(list as Array<[string, string]>)] };
  } catch (error) {
    return { error: (error as Error).name };
  }
}

/** Lists that exercise each check: valid and lowercase (the host's), and every way to leave the fast path. */
const LISTS: unknown[][] = [
  [],
  [
    ["host", "127.0.0.1:3000"],
    ["user-agent", "autocannon"],
    ["accept", "*/*"],
  ],
  [["Content-Type", "text/plain"]],
  [["x-a", " padded\t"]],
  [["x-a", "\r"]],
  [["x-a", " a\r\n"]],
  [["x-a", "inner\ttab and space"]],
  [["x-a", ""]],
  [["x-a", "latin-1 é ÿ"]],
  [["x-a", "not a byte €"]],
  [["x-a", "nul \0 inside"]],
  [["x-a", "line\nbreak"]],
  [["x-a", "carriage\rreturn"]],
  [["bad name", "v"]],
  [["", "v"]],
  [["ÿ", "v"]],
  [["x-a", 5]],
  [[1, "v"]],
  [["x-a", "v", "extra"]],
  [["x-a"]],
  [
    ["b", "1"],
    ["a", "2"],
    ["b", "3"],
    ["set-cookie", "c=1"],
    ["set-cookie", "d=2"],
  ],
  [
    ["x-ok", "fine"],
    ["X-Upper", "later pair leaves the fast path"],
  ],
];

describe("an incoming request's headers (the host's list, taken after one-pass checks)", () => {
  it("are what Headers makes of the same list, and fail where it fails", async () => {
    const harness = await load(`export default { fetch(request) {
      return Response.json([...request.headers]);
    } }`);
    for (const list of LISTS) {
      const run = await harness.run(
        httpEvent({ headers: list as Array<[string, string]>, url: "http://fn.test/" }),
      );
      const expected = reference(list);
      if ("error" in expected) {
        expect({ list, outcome: run.result.outcome }).toEqual({ list, outcome: "exception" });
        expect(run.result.error?.name).toBe(expected.error);
      } else {
        expect({ list, outcome: run.result.outcome }).toEqual({ list, outcome: "ok" });
        expect({ list, entries: run.json() }).toEqual({ list, entries: expected.entries });
      }
    }
  });

  it("are the same whether or not the host's URL is taken as serialized (the general path)", async () => {
    const harness = await load(`export default { fetch(request) {
      return Response.json([...request.headers]);
    } }`);
    for (const list of LISTS) {
      const headers = list as Array<[string, string]>;
      // "HTTP://FN.TEST/" is not in serialized form: the prelude parses it and builds the headers generally.
      const fast = await harness.run(httpEvent({ headers, url: "http://fn.test/" }));
      const general = await harness.run(httpEvent({ headers, url: "HTTP://FN.TEST/" }));
      expect({ list, outcome: fast.result.outcome, error: fast.result.error?.message }).toEqual({
        list,
        outcome: general.result.outcome,
        error: general.result.error?.message,
      });
      if (fast.result.outcome === "ok")
        expect({ list, entries: fast.json() }).toEqual({ list, entries: general.json() });
    }
  });

  it("are built from the host's list even after tenant code broke arrays and strings", async () => {
    // The first invocation breaks the built-ins; the second request is made while they are broken, and its
    // handler puts them back before it reads the headers.
    const harness = await load(`
      // A Map and index loops: what this handler itself breaks must not stop it putting things back.
      const saved = new Map();
      let count = 0;
      const replace = (target, key, descriptor) => {
        saved.set(count++, { target, key, descriptor: Object.getOwnPropertyDescriptor(target, key) });
        Object.defineProperty(target, key, descriptor);
      };
      const restore = () => {
        for (let i = count - 1; i >= 0; i--) {
          const { target, key, descriptor } = saved.get(i);
          if (descriptor === undefined) delete target[key];
          else Object.defineProperty(target, key, descriptor);
        }
      };
      let broken = false;
      export default { fetch(request) {
        if (broken) {
          restore();
          return new Response([request.method, ...request.headers].join("|"));
        }
        broken = true;
        const response = new Response("broken");
        const value = (message) => ({ value: () => { throw new Error(message) }, configurable: true, writable: true });
        for (const name of ["push", "map", "filter", "some", "findIndex", "join", "sort"]) {
          replace(Array.prototype, name, value("array " + name));
        }
        for (const name of ["charCodeAt", "toLowerCase", "replace", "toUpperCase"]) {
          replace(String.prototype, name, value("string " + name));
        }
        replace(RegExp.prototype, "exec", value("regexp exec"));
        for (let i = 0; i < 4; i++) {
          replace(Array.prototype, i, {
            get() { return "hijacked" }, set() { throw new Error("index " + i) }, configurable: true });
        }
        replace(Array.prototype, Symbol.iterator, value("array iterator"));
        replace(Object.prototype, "then", { value: function () {}, configurable: true, writable: true });
        return response;
      } }`);
    const first = await harness.run();
    expect(first.text()).toBe("broken");
    const run = await harness.run(
      httpEvent({
        method: "POST",
        headers: [
          ["host", "fn.test"],
          ["x-a", "1"],
        ],
        body: new TextEncoder().encode("{}"),
      }),
    );
    expect(run.result.outcome).toBe("ok");
    expect(run.text()).toBe("POST|host,fn.test|x-a,1");
  });
});

describe("an incoming request's body (the host's bytes, taken without a copy when they span their buffer)", () => {
  it("reads the same through every accessor, from a whole buffer or from a view into a larger one", async () => {
    const harness = await load(`export default { async fetch(request) {
      const copy = request.clone();
      const bytes = await request.bytes();
      bytes[0] = 0x5b;
      const reader = copy.body.getReader();
      const chunk = (await reader.read()).value;
      return Response.json({ length: bytes.length, chunk: chunk.length, buffer: chunk.buffer.byteLength,
        again: new TextDecoder().decode(chunk) });
    } }`);
    const text = '{"a":[1,2,3],"b":"é"}';
    const whole = new TextEncoder().encode(text);
    const padded = new Uint8Array(whole.length + 16);
    padded.set(whole, 8);
    for (const body of [whole, padded.subarray(8, 8 + whole.length)]) {
      const run = await harness.run(httpEvent({ method: "POST", body }));
      expect(run.result.outcome).toBe("ok");
      expect(run.json()).toEqual({
        length: whole.length,
        chunk: whole.length,
        buffer: whole.length,
        again: text,
      });
    }
  });
});

describe("Headers built by tenant code (names and values checked in one pass first)", () => {
  it("normalize and reject exactly as Node's Headers does", async () => {
    const harness = await load(`export default { async fetch(request) {
      const out = [];
      for (const list of await request.json()) {
        try { out.push({ entries: [...new Headers(list)] }) } catch (error) { out.push({ error: error.name }) }
      }
      return Response.json(out);
    } }`);
    const run = await harness.run(
      httpEvent({ method: "POST", body: new TextEncoder().encode(JSON.stringify(LISTS)) }),
    );
    expect(run.result.outcome).toBe("ok");
    expect(run.json()).toEqual(JSON.parse(JSON.stringify(LISTS)).map(reference));
  });

  it("give append, set, get and has the same names and values", async () => {
    const harness = await load(`export default { fetch() {
      const h = new Headers();
      h.append("X-Mixed", "  a  ");
      h.append("x-mixed", "b");
      h.set("Content-Type", "text/html\\t");
      const out = [...h, h.get("X-MIXED"), h.has("content-type"), h.get("content-type")];
      for (const bad of [["x y", "v"], ["x", "a\\nb"], ["x", "\\u20ac"]]) {
        try { h.append(bad[0], bad[1]); out.push("accepted") } catch (error) { out.push(error.name) }
      }
      return Response.json(out);
    } }`);
    const run = await harness.run();
    const h = new Headers();
    h.append("X-Mixed", "  a  ");
    h.append("x-mixed", "b");
    h.set("Content-Type", "text/html\t");
    const expected: unknown[] = [...h, h.get("X-MIXED"), h.has("content-type"), h.get("content-type")];
    for (const [name, value] of [
      ["x y", "v"],
      ["x", "a\nb"],
      ["x", "\u20ac"],
    ] as const) {
      try {
        h.append(name, value);
        expected.push("accepted");
      } catch (error) {
        expected.push((error as Error).name);
      }
    }
    expect(run.json()).toEqual(expected);
  });
});

describe("a response's header list for the host (not sorted again when already in order)", () => {
  const orders: Array<Array<[string, string]>> = [
    [["x-a", "1"]],
    [
      ["a", "1"],
      ["b", "2"],
      ["c", "3"],
    ],
    [
      ["c", "3"],
      ["a", "1"],
    ],
    [
      ["a", "1"],
      ["a", "2"],
    ],
    [
      ["set-cookie", "x=1"],
      ["set-cookie", "y=2"],
    ],
    [
      ["a", "1"],
      ["b", "2"],
      ["a", "3"],
    ],
  ];
  for (const headers of orders) {
    it(`is the standard's sorted and combined list: ${JSON.stringify(headers)}`, async () => {
      const harness = await load(`export default { fetch() {
        return new Response(null, { headers: ${JSON.stringify(headers)} });
      } }`);
      const run = await harness.run();
      expect(run.result.outcome).toBe("ok");
      expect(run.headers).toEqual([...new Headers(headers)]);
    });
  }
});

describe("request methods (normalized forms returned as they are)", () => {
  it("are normalized and refused as Node's Request does", async () => {
    const methods = [
      "GET",
      "get",
      "Post",
      "PATCH",
      "patch",
      "DELETE",
      "options",
      "head",
      "PUT",
      "MKCOL",
      "CONNECT",
      "trace",
      "bad method",
      "",
    ];
    const harness = await load(`export default { async fetch(request) {
      const out = [];
      for (const method of await request.json()) {
        try { out.push(new Request("http://x.test/", { method }).method) } catch (error) { out.push(error.name) }
      }
      return Response.json(out);
    } }`);
    const run = await harness.run(
      httpEvent({ method: "POST", body: new TextEncoder().encode(JSON.stringify(methods)) }),
    );
    // As Node's Request, except that "patch" is uppercased too (the prelude normalizes PATCH, as Workers does).
    const expected = methods.map((method) => {
      try {
        const normalized = new Request("http://x.test/", { method }).method;
        return normalized === "patch" ? "PATCH" : normalized;
      } catch (error) {
        return (error as Error).name;
      }
    });
    expect(run.json()).toEqual(expected);
  });
});

describe("request redirect modes (compared, not looked up in a Set)", () => {
  it("accept the standard's three and refuse anything else, as Node's Request does", async () => {
    const modes = ["follow", "error", "manual", "Follow", "", "bogus"];
    const harness = await load(`export default { async fetch(request) {
      const out = [];
      for (const redirect of await request.json()) {
        try { out.push(new Request("http://x.test/", { redirect }).redirect) } catch (error) { out.push(error.name) }
      }
      return Response.json(out);
    } }`);
    const run = await harness.run(
      httpEvent({ method: "POST", body: new TextEncoder().encode(JSON.stringify(modes)) }),
    );
    const expected = modes.map((redirect) => {
      try {
        return new Request("http://x.test/", { redirect: redirect as "follow" }).redirect;
      } catch (error) {
        return (error as Error).name;
      }
    });
    expect(run.json()).toEqual(expected);
  });
});

describe("results on the frozen empty prototype", () => {
  it("are never taken for thenables and cross to the host as plain data", async () => {
    const harness = await load(`
      Object.prototype.then = function (resolve) { resolve({ outcome: "ok", hijacked: true }) };
      export default { fetch(request, env, ctx) {
        ctx.waitUntil(Promise.resolve());
        return new Response("fine", { status: 202 });
      } }`);
    const run = await harness.run();
    expect(run.result.outcome).toBe("ok");
    expect(run.status).toBe(202);
    expect(run.text()).toBe("fine");
  });
});
