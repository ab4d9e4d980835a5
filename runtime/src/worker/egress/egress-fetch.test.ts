import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import type { EgressPolicy, PlainFetchRequest } from "../../fetch-types.js";
import { EgressError, type EgressErrorCode } from "./egress-error.js";
import { createEgressFetch, type EgressFetchContext } from "./egress-fetch.js";
import type { LookupAll } from "./resolve-host.js";
import { SubrequestBudget } from "./subrequest-budget.js";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

interface TestServer {
  port: number;
  origin: string;
  requests: Seen[];
  connections: number;
  openSockets: Set<Socket>;
}

const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections?.();
    server.close();
  }
});

async function serve(
  handler: (req: IncomingMessage, res: ServerResponse, seen: Seen) => void = (_req, res) => res.end("ok"),
  options: { host?: string; port?: number } = {},
): Promise<TestServer> {
  const state: TestServer = { port: 0, origin: "", requests: [], connections: 0, openSockets: new Set() };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const seen = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      state.requests.push(seen);
      handler(req, res, seen);
    });
  });
  server.on("connection", (socket: Socket) => {
    state.connections += 1;
    state.openSockets.add(socket);
    socket.on("close", () => state.openSockets.delete(socket));
  });
  servers.push(server);
  server.listen(options.port ?? 0, options.host ?? "127.0.0.1");
  await once(server, "listening");
  state.port = (server.address() as AddressInfo).port;
  state.origin = `http://${options.host ?? "127.0.0.1"}:${state.port}`;
  return state;
}

const basePolicy: EgressPolicy = {
  allow: [],
  // The tests open loopback per function; by default (no functionAllowable) they could not.
  functionAllowable: ["127.0.0.0/8", "::1"],
  maxSubrequests: 50,
  maxResponseBytes: 1024 * 1024,
  timeoutMs: 10_000,
  platformAddresses: [],
};

function context(overrides: Partial<EgressFetchContext> = {}): EgressFetchContext {
  return {
    allowedHosts: [],
    signal: new AbortController().signal,
    budget: new SubrequestBudget(50),
    ...overrides,
  };
}

function get(url: string, overrides: Partial<PlainFetchRequest> = {}): PlainFetchRequest {
  return { url, method: "GET", headers: [], body: null, redirect: "follow", ...overrides };
}

/** A resolver answering from a table, counting calls; an unknown name fails like DNS does. */
function fakeDns(answers: Record<string, string[] | (() => string[])>) {
  const calls: string[] = [];
  const lookup: LookupAll = (hostname, _options, callback) => {
    calls.push(hostname);
    const answer = answers[hostname];
    const list = typeof answer === "function" ? answer() : answer;
    if (list === undefined) {
      callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" }), []);
      return;
    }
    setImmediate(() =>
      callback(
        null,
        list.map((address) => ({ address, family: address.includes(":") ? 6 : 4 })),
      ),
    );
  };
  return { lookup, calls };
}

const noDns: LookupAll = () => {
  throw new Error("DNS must not be used here");
};

async function failure(promise: Promise<unknown>, code: EgressErrorCode): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EgressError);
  expect((error as EgressError).code).toBe(code);
  return (error as EgressError).message;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const HINT = "(allow it with allowedHosts or the operator allow-list)";

describe("createEgressFetch: refused destinations", () => {
  it("refuses 127.0.0.1 without connecting", async () => {
    const server = await serve();
    const fetch = createEgressFetch(basePolicy, { lookup: noDns });
    const budget = new SubrequestBudget(50);
    const message = await failure(fetch(get(`${server.origin}/`), context({ budget })), "EGRESS_REFUSED");
    expect(message).toBe(
      `fetch to 127.0.0.1:${server.port} refused by the egress policy: loopback address ${HINT}`,
    );
    expect(server.connections).toBe(0);
    expect(budget.used).toBe(1);
  });

  it("refuses the metadata address 169.254.169.254 at once, before any connection", async () => {
    const fetch = createEgressFetch({ ...basePolicy, timeoutMs: 600_000 }, { lookup: noDns });
    const message = await failure(
      fetch(get("http://169.254.169.254:9/latest/meta-data/"), context()),
      "EGRESS_REFUSED",
    );
    expect(message).toBe(
      `fetch to 169.254.169.254:9 refused by the egress policy: link-local address (cloud metadata endpoint) ${HINT}`,
    );
  });

  it("refuses a private address", async () => {
    const fetch = createEgressFetch(basePolicy, { lookup: noDns });
    const message = await failure(fetch(get("http://10.0.0.1/"), context()), "EGRESS_REFUSED");
    expect(message).toBe(`fetch to 10.0.0.1:80 refused by the egress policy: private address ${HINT}`);
  });

  it("refuses a hostname that resolves to loopback", async () => {
    const server = await serve();
    const dns = fakeDns({ "evil.test": ["127.0.0.1"] });
    const fetch = createEgressFetch(basePolicy, { lookup: dns.lookup });
    const message = await failure(
      fetch(get(`http://evil.test:${server.port}/`), context()),
      "EGRESS_REFUSED",
    );
    expect(message).toBe(
      `fetch to evil.test:${server.port} refused by the egress policy: evil.test resolves to 127.0.0.1, loopback address ${HINT}`,
    );
    expect(dns.calls).toEqual(["evil.test"]);
    expect(server.connections).toBe(0);
  });

  it("refuses a hostname when any one of its addresses is refused", async () => {
    const server = await serve();
    const dns = fakeDns({ "mixed.test": ["127.0.0.1", "10.0.0.8"] });
    const fetch = createEgressFetch(basePolicy, { lookup: dns.lookup });
    const message = await failure(
      fetch(get(`http://mixed.test:${server.port}/`), context({ allowedHosts: ["127.0.0.1"] })),
      "EGRESS_REFUSED",
    );
    expect(message).toContain("mixed.test resolves to 10.0.0.8, private address");
    expect(server.connections).toBe(0);
  });

  it("refuses IPv6 loopback and the IPv4-mapped form of 127.0.0.1", async () => {
    const server = await serve();
    const fetch = createEgressFetch(basePolicy, { lookup: noDns });
    expect(
      await failure(fetch(get(`http://[::ffff:127.0.0.1]:${server.port}/`), context()), "EGRESS_REFUSED"),
    ).toBe(
      `fetch to [::ffff:7f00:1]:${server.port} refused by the egress policy: loopback address, as IPv4-mapped IPv6 ${HINT}`,
    );
    expect(await failure(fetch(get(`http://[::1]:${server.port}/`), context()), "EGRESS_REFUSED")).toBe(
      `fetch to [::1]:${server.port} refused by the egress policy: loopback address ${HINT}`,
    );
    expect(await failure(fetch(get(`http://0x7f.1:${server.port}/`), context()), "EGRESS_REFUSED")).toContain(
      "loopback address",
    );
    expect(server.connections).toBe(0);
  });

  it("refuses localhost through the real resolver", async () => {
    const fetch = createEgressFetch(basePolicy);
    expect(await failure(fetch(get("http://localhost:9/"), context()), "EGRESS_REFUSED")).toMatch(
      /^fetch to localhost:9 refused by the egress policy: localhost resolves to (127\.0\.0\.1|::1), loopback address/,
    );
  });
});

describe("createEgressFetch: allowed destinations", () => {
  const echo = (_req: IncomingMessage, res: ServerResponse, seen: Seen) => {
    res.statusCode = 201;
    res.statusMessage = "Created";
    res.setHeader("x-echo-method", seen.method);
    res.setHeader("set-cookie", ["a=1", "b=2"]);
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(seen));
  };

  it("reaches a loopback server allowed by the operator list, round-tripping method, headers and body", async () => {
    const server = await serve(echo);
    const fetch = createEgressFetch(
      { ...basePolicy, allow: [`127.0.0.1:${server.port}`] },
      { lookup: noDns },
    );
    const response = await fetch(
      {
        url: `${server.origin}/path?q=1#fragment`,
        method: "post",
        headers: [
          ["X-Custom", "yes"],
          ["content-type", "text/plain"],
          ["host", "spoofed.example"],
          ["connection", "upgrade"],
        ],
        body: new TextEncoder().encode("hello body"),
        redirect: "follow",
      },
      context(),
    );
    expect(response.status).toBe(201);
    expect(response.statusText).toBe("Created");
    expect(response.url).toBe(`${server.origin}/path?q=1`);
    expect(response.redirected).toBe(false);
    expect(response.headers).toEqual(
      expect.arrayContaining([
        ["x-echo-method", "POST"],
        ["set-cookie", "a=1"],
        ["set-cookie", "b=2"],
        ["content-type", "application/json"],
      ]),
    );
    expect(Buffer.isBuffer(response.body)).toBe(false);
    const seen = JSON.parse(new TextDecoder().decode(response.body)) as Seen;
    expect(seen.method).toBe("POST");
    expect(seen.url).toBe("/path?q=1");
    expect(seen.body).toBe("hello body");
    expect(seen.headers["x-custom"]).toBe("yes");
    expect(seen.headers["content-type"]).toBe("text/plain");
    expect(seen.headers.host).toBe(`127.0.0.1:${server.port}`);
    expect(seen.headers.connection).not.toBe("upgrade");
    expect(server.requests).toHaveLength(1);
  });

  it("reaches a loopback server allowed by the function's allowedHosts, by IP or by hostname", async () => {
    const server = await serve(echo);
    const dns = fakeDns({ "api.test": ["127.0.0.1"] });
    const fetch = createEgressFetch(basePolicy, { lookup: dns.lookup });
    const byIp = await fetch(get(`${server.origin}/ip`), context({ allowedHosts: ["127.0.0.1"] }));
    expect(byIp.status).toBe(201);
    const byName = await fetch(
      get(`http://api.test:${server.port}/name`),
      context({ allowedHosts: ["api.test"] }),
    );
    expect(byName.status).toBe(201);
    expect(server.requests.map((r) => [r.url, r.headers.host])).toEqual([
      ["/ip", `127.0.0.1:${server.port}`],
      ["/name", `api.test:${server.port}`],
    ]);
    // Another function's list does not carry over.
    await failure(fetch(get(`${server.origin}/ip`), context({ allowedHosts: [] })), "EGRESS_REFUSED");
  });

  it("answers HEAD and 204 with an empty body", async () => {
    const server = await serve((req, res) => {
      res.statusCode = req.url === "/none" ? 204 : 200;
      res.setHeader("content-length", "5");
      res.end(req.method === "HEAD" || req.url === "/none" ? undefined : "hello");
    });
    const fetch = createEgressFetch({ ...basePolicy, allow: ["127.0.0.1"] }, { lookup: noDns });
    const head = await fetch(get(`${server.origin}/`, { method: "HEAD" }), context());
    expect(head.status).toBe(200);
    expect(head.body.byteLength).toBe(0);
    expect(head.headers).toContainEqual(["content-length", "5"]);
    expect((await fetch(get(`${server.origin}/none`), context())).status).toBe(204);
  });

  it("decodes a gzip body and drops the headers that described the encoded one", async () => {
    const server = await serve((_req, res) => {
      const body = gzipSync("zipped text");
      res.setHeader("content-encoding", "gzip");
      res.setHeader("content-length", String(body.byteLength));
      res.end(body);
    });
    const fetch = createEgressFetch({ ...basePolicy, allow: ["127.0.0.1"] }, { lookup: noDns });
    const response = await fetch(get(`${server.origin}/`), context());
    expect(new TextDecoder().decode(response.body)).toBe("zipped text");
    expect(response.headers.map(([name]) => name)).not.toContain("content-encoding");
    expect(response.headers.map(([name]) => name)).not.toContain("content-length");
  });

  it("reports the bytes sent and received on the wire to onTraffic (a gzip body counted encoded)", async () => {
    const zipped = gzipSync("x".repeat(10_000));
    const server = await serve((_req, res) => {
      res.setHeader("content-encoding", "gzip");
      res.end(zipped);
    });
    const fetch = createEgressFetch({ ...basePolicy, allow: ["127.0.0.1"] }, { lookup: noDns });
    const traffic: number[] = [];
    const body = new TextEncoder().encode("seventeen bytes!!");
    const response = await fetch(
      get(`${server.origin}/`, { method: "POST", body }),
      context({ onTraffic: (bytes) => traffic.push(bytes) }),
    );
    expect(response.body.byteLength).toBe(10_000);
    expect(traffic).toEqual([17, zipped.byteLength]);
  });

  it("fails with a network error, not a hang, when nothing listens on an allowed port", async () => {
    const server = await serve();
    const port = server.port;
    for (const s of servers.splice(0)) s.close();
    await until(() => server.openSockets.size === 0, "the server to close");
    const fetch = createEgressFetch({ ...basePolicy, allow: ["127.0.0.1"] }, { lookup: noDns });
    expect(await failure(fetch(get(`http://127.0.0.1:${port}/`), context()), "NETWORK_ERROR")).toContain(
      "ECONNREFUSED",
    );
  });

  it("reports a name that does not resolve", async () => {
    const fetch = createEgressFetch(basePolicy, { lookup: fakeDns({}).lookup });
    expect(await failure(fetch(get("http://nowhere.test/"), context()), "NETWORK_ERROR")).toBe(
      'fetch to http://nowhere.test/ failed: could not resolve "nowhere.test" (ENOTFOUND)',
    );
  });
});

describe("createEgressFetch: redirects", () => {
  it("follows redirects, counting each hop, and turns a POST into a GET on 303", async () => {
    const server = await serve((req, res) => {
      if (req.url === "/start") {
        res.writeHead(303, { location: "/middle" }).end();
      } else if (req.url === "/middle") {
        res.writeHead(307, { location: "/end" }).end();
      } else {
        res.end(`end via ${req.method}`);
      }
    });
    const fetch = createEgressFetch(basePolicy, { lookup: noDns });
    const budget = new SubrequestBudget(50);
    const response = await fetch(
      get(`${server.origin}/start`, { method: "POST", body: new Uint8Array([1]) }),
      context({ allowedHosts: ["127.0.0.1"], budget }),
    );
    expect(new TextDecoder().decode(response.body)).toBe("end via GET");
    expect(response.redirected).toBe(true);
    expect(response.url).toBe(`${server.origin}/end`);
    expect(budget.used).toBe(3);
    expect(server.requests.map((r) => `${r.method} ${r.url} ${r.body}`)).toEqual([
      "POST /start \u0001",
      "GET /middle ",
      "GET /end ",
    ]);
  });

  it("refuses a redirect from an allowed server to a refused address", async () => {
    const target = await serve();
    const server = await serve((_req, res) =>
      res.writeHead(302, { location: `${target.origin}/secret` }).end(),
    );
    const fetch = createEgressFetch(basePolicy, { lookup: noDns });
    const message = await failure(
      fetch(get(`${server.origin}/go`), context({ allowedHosts: [`127.0.0.1:${server.port}`] })),
      "EGRESS_REFUSED",
    );
    expect(message).toBe(
      `fetch to 127.0.0.1:${target.port} refused by the egress policy: loopback address ${HINT}; ` +
        `the request was redirected there by ${server.origin}/go`,
    );
    expect(server.requests).toHaveLength(1);
    expect(target.connections).toBe(0);
  });

  it('returns the 3xx itself with redirect: "manual" and fails with redirect: "error"', async () => {
    const server = await serve((_req, res) => res.writeHead(301, { location: "/elsewhere" }).end("moved"));
    const fetch = createEgressFetch({ ...basePolicy, allow: ["127.0.0.1"] }, { lookup: noDns });
    const manual = await fetch(get(`${server.origin}/`, { redirect: "manual" }), context());
    expect(manual.status).toBe(301);
    expect(manual.headers).toContainEqual(["location", "/elsewhere"]);
    expect(new TextDecoder().decode(manual.body)).toBe("moved");
    expect(manual.redirected).toBe(false);
    const message = await failure(
      fetch(get(`${server.origin}/`, { redirect: "error" }), context()),
      "REDIRECT_REFUSED",
    );
    expect(message).toBe(
      `fetch to ${server.origin}/ was redirected (301 to "/elsewhere") and its redirect mode is "error"`,
    );
    expect(server.requests).toHaveLength(2);
  });

  it("stops after 20 redirects", async () => {
    const server = await serve((req, res) => res.writeHead(302, { location: `${req.url}x` }).end());
    const fetch = createEgressFetch({ ...basePolicy, allow: ["127.0.0.1"] }, { lookup: noDns });
    const budget = new SubrequestBudget(50);
    const message = await failure(fetch(get(`${server.origin}/`), context({ budget })), "TOO_MANY_REDIRECTS");
    expect(message).toBe(`fetch to ${server.origin}/ redirected more than 20 times`);
    expect(server.requests).toHaveLength(21);
    expect(budget.used).toBe(21);
  });
});

describe("createEgressFetch: limits", () => {
  it("refuses the 51st subrequest of an invocation", async () => {
    const server = await serve();
    const fetch = createEgressFetch({ ...basePolicy, allow: ["127.0.0.1"] }, { lookup: noDns });
    const budget = new SubrequestBudget(basePolicy.maxSubrequests);
    for (let i = 0; i < 50; i += 1) {
      expect((await fetch(get(`${server.origin}/${i}`), context({ budget }))).status).toBe(200);
    }
    const message = await failure(fetch(get(`${server.origin}/51`), context({ budget })), "SUBREQUEST_LIMIT");
    expect(message).toMatch(/^subrequest limit of 50 reached/);
    expect(server.requests).toHaveLength(50);
  });

  it("counts redirect hops against the subrequest limit", async () => {
    const server = await serve((req, res) =>
      req.url === "/a" ? res.writeHead(302, { location: "/b" }).end() : res.end("b"),
    );
    const fetch = createEgressFetch({ ...basePolicy, allow: ["127.0.0.1"] }, { lookup: noDns });
    const budget = new SubrequestBudget(1);
    await failure(fetch(get(`${server.origin}/a`), context({ budget })), "SUBREQUEST_LIMIT");
    expect(server.requests.map((r) => r.url)).toEqual(["/a"]);
  });

  it("refuses a response whose declared length is over the limit", async () => {
    const server = await serve((_req, res) => res.end("x".repeat(2048)));
    const fetch = createEgressFetch(
      { ...basePolicy, allow: ["127.0.0.1"], maxResponseBytes: 1024 },
      { lookup: noDns },
    );
    expect(await failure(fetch(get(`${server.origin}/`), context()), "RESPONSE_TOO_LARGE")).toBe(
      "response body larger than 1024 bytes",
    );
  });

  it("stops reading an endless response at the limit and closes the connection", async () => {
    const server = await serve((_req, res) => {
      const chunk = "y".repeat(16 * 1024);
      const write = () => {
        while (!res.destroyed && res.write(chunk)) {}
        if (!res.destroyed) res.once("drain", write);
      };
      write();
    });
    const fetch = createEgressFetch(
      { ...basePolicy, allow: ["127.0.0.1"], maxResponseBytes: 64 * 1024 },
      { lookup: noDns },
    );
    expect(await failure(fetch(get(`${server.origin}/`), context()), "RESPONSE_TOO_LARGE")).toBe(
      "response body larger than 65536 bytes",
    );
    await until(() => server.connections === 1 && server.openSockets.size === 0, "the connection to close");
  });

  it("times out a server that never answers, and closes the connection", async () => {
    const server = await serve(() => {});
    const fetch = createEgressFetch(
      { ...basePolicy, allow: ["127.0.0.1"], timeoutMs: 200 },
      { lookup: noDns },
    );
    expect(await failure(fetch(get(`${server.origin}/slow`), context()), "TIMEOUT")).toBe(
      `fetch to ${server.origin}/slow timed out after 200 ms`,
    );
    await until(() => server.connections === 1 && server.openSockets.size === 0, "the connection to close");
  });

  it("stops when the invocation ends", async () => {
    const server = await serve(() => {});
    const fetch = createEgressFetch({ ...basePolicy, allow: ["127.0.0.1"] }, { lookup: noDns });
    const invocation = new AbortController();
    const pending = fetch(get(`${server.origin}/`), context({ signal: invocation.signal }));
    await until(() => server.requests.length === 1, "the request to arrive");
    invocation.abort();
    expect(await failure(pending, "ABORTED")).toBe(
      `fetch to ${server.origin}/ aborted: the invocation has ended`,
    );
    await until(() => server.openSockets.size === 0, "the connection to close");
    // A fetch started after the end fails at once.
    await failure(fetch(get(`${server.origin}/`), context({ signal: invocation.signal })), "ABORTED");
    expect(server.connections).toBe(1);
  });

  it("does not wait forever on a resolver that never answers", async () => {
    const silent: LookupAll = () => {};
    const fetch = createEgressFetch({ ...basePolicy, timeoutMs: 100 }, { lookup: silent });
    expect(await failure(fetch(get("http://slow-dns.test/"), context()), "TIMEOUT")).toBe(
      "fetch to http://slow-dns.test/ timed out after 100 ms",
    );
  });

  it("does not start a fetch past the invocation's deadline", async () => {
    const fetch = createEgressFetch(
      { ...basePolicy, allow: ["127.0.0.1"] },
      { lookup: noDns, now: () => 1000 },
    );
    expect(await failure(fetch(get("http://127.0.0.1:9/"), context({ deadline: 1000 })), "TIMEOUT")).toBe(
      "fetch to http://127.0.0.1:9/ not started: the invocation's time is up",
    );
  });

  it("refuses a malformed request from the isolate", async () => {
    const fetch = createEgressFetch(basePolicy, { lookup: noDns });
    expect(
      await failure(
        fetch({ url: "gopher://x/", method: "GET", headers: [], body: null, redirect: "follow" }, context()),
        "INVALID_FETCH",
      ),
    ).toBe("fetch: only http: and https: URLs can be fetched, not gopher:");
  });

  it("refuses a bad policy when it is built", () => {
    expect(() => createEgressFetch({ ...basePolicy, allow: ["10.0.0.0/64"] })).toThrow(
      "the prefix length is at most 32",
    );
    expect(() => createEgressFetch({ ...basePolicy, maxResponseBytes: 0 })).toThrow("maxResponseBytes");
  });
});

describe("createEgressFetch: pinning", () => {
  it("connects to the address it checked, whatever DNS answers next (rebinding)", async () => {
    const good = await serve((_req, res) => res.end("good"));
    const bad = await serve((_req, res) => res.end("bad"), { host: "127.0.0.3", port: good.port });
    let answers = 0;
    const dns = fakeDns({ "rebind.test": () => (answers++ === 0 ? ["127.0.0.1"] : ["127.0.0.3"]) });
    const fetch = createEgressFetch(basePolicy, { lookup: dns.lookup });
    const ctx = context({ allowedHosts: ["127.0.0.1"] });
    const response = await fetch(get(`http://rebind.test:${good.port}/`), ctx);
    expect(new TextDecoder().decode(response.body)).toBe("good");
    expect(dns.calls).toEqual(["rebind.test"]);
    expect(bad.connections).toBe(0);
    // The next fetch resolves again and its new answer is checked again.
    expect(await failure(fetch(get(`http://rebind.test:${good.port}/`), ctx), "EGRESS_REFUSED")).toContain(
      "rebind.test resolves to 127.0.0.3, loopback address",
    );
    expect(bad.connections).toBe(0);
  });

  it("keeps the hostname for TLS (SNI) while connecting to the pinned address", async () => {
    const names: string[] = [];
    const tls = createTlsServer({
      SNICallback: (name, callback) => {
        names.push(name);
        callback(new Error("no certificate here"), undefined as never);
      },
    });
    servers.push(tls as unknown as Server);
    tls.listen(0, "127.0.0.1");
    await once(tls, "listening");
    const port = (tls.address() as AddressInfo).port;
    const dns = fakeDns({ "secure.test": ["127.0.0.1"] });
    const fetch = createEgressFetch(basePolicy, { lookup: dns.lookup });
    await failure(
      fetch(get(`https://secure.test:${port}/`), context({ allowedHosts: ["secure.test"] })),
      "NETWORK_ERROR",
    );
    expect(names).toEqual(["secure.test"]);
  });
});

describe("createEgressFetch: the platform's own address", () => {
  it("is refused even when loopback is allowed, unless the operator lists it exactly", async () => {
    const platform = await serve((_req, res) => res.end("control plane"));
    const platformAddresses = [`127.0.0.1:${platform.port}`];
    const broad = createEgressFetch(
      { ...basePolicy, allow: ["127.0.0.0/8"], platformAddresses },
      { lookup: noDns },
    );
    const expected =
      `fetch to 127.0.0.1:${platform.port} refused by the egress policy: the platform's own address ` +
      `(only the exact entry "127.0.0.1:${platform.port}" in the operator allow-list allows it)`;
    expect(await failure(broad(get(`${platform.origin}/api`), context()), "EGRESS_REFUSED")).toBe(expected);
    expect(
      await failure(
        broad(get(`${platform.origin}/api`), context({ allowedHosts: [`127.0.0.1:${platform.port}`] })),
        "EGRESS_REFUSED",
      ),
    ).toBe(expected);
    expect(platform.connections).toBe(0);
    const exact = createEgressFetch(
      { ...basePolicy, allow: [`127.0.0.1:${platform.port}`], platformAddresses },
      { lookup: noDns },
    );
    const response = await exact(get(`${platform.origin}/api`), context());
    expect(new TextDecoder().decode(response.body)).toBe("control plane");
  });
});
