// Issue 3, item 3: outbound fetch from tenant code goes through the host's egress policy — loopback,
// link-local (metadata), private ranges and names that resolve to them are refused with a clear error; what the
// operator allows is reached; the 51st subrequest is refused; time waiting on fetch is not CPU time.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminClient, invoke } from "./skiff-api.js";
import { type SkiffServer, startSkiff } from "./skiff-server.js";

let server: SkiffServer;
let admin: AdminClient;
let upstream: Server;
let upstreamPort: number;

beforeAll(async () => {
  upstream = createServer((request, response) => {
    const delay = request.url?.startsWith("/slow") ? 1000 : 0;
    setTimeout(() => response.end(`upstream ${request.method} ${request.url}`), delay);
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  upstreamPort = (upstream.address() as AddressInfo).port;
  server = await startSkiff({ env: { SKIFF_EGRESS_ALLOW: `127.0.0.1:${upstreamPort}` } });
  admin = new AdminClient(server, server.defaultKey);
  await admin.mustDeploy(
    "fetcher",
    `export default { async fetch(request) {
      const params = new URL(request.url).searchParams;
      const target = params.get("url");
      const times = Number(params.get("times") ?? "1");
      const results = [];
      for (let i = 0; i < times; i++) {
        try {
          const response = await fetch(target);
          results.push({ status: response.status, body: await response.text() });
        } catch (error) {
          results.push({ error: error.message, name: error.name });
        }
      }
      return Response.json(results);
    } }`,
    // cpuMs well above a loaded machine's cold start, well below the slow upstream's 1 s.
    { cpuMs: 400, timeoutMs: 5000 },
  );
});

afterAll(async () => {
  expect(await server.stop()).toBe(0);
  await new Promise((resolve) => upstream.close(resolve));
});

async function fetchFrom(
  url: string,
  times = 1,
): Promise<Array<{ status?: number; body?: string; error?: string; name?: string }>> {
  const answer = await invoke(server, "fetcher", `/?url=${encodeURIComponent(url)}&times=${times}`);
  if (answer.status !== 200) throw new Error(`the fetcher answered ${answer.status}: ${answer.text}`);
  return answer.json;
}

describe("egress policy", () => {
  it.each([
    ["loopback", "http://127.0.0.1:1/", /loopback address/],
    [
      "the cloud metadata endpoint",
      "http://169.254.169.254/latest/meta-data/",
      /link-local address \(cloud metadata endpoint\)/,
    ],
    ["a private address", "http://10.0.0.1/", /private address/],
    ["a hostname that resolves to loopback", "http://localhost:1/", /loopback/],
    ["the platform itself", "SELF", /platform's own address/],
  ])("refuses %s with a clear error", async (_, target, reason) => {
    const url = target === "SELF" ? `${server.url}/healthz` : target;
    const [result] = await fetchFrom(url);
    expect(result?.name).toBe("TypeError");
    expect(result?.error).toMatch(/refused by the egress policy/);
    expect(result?.error).toMatch(reason);
  });

  it("reaches a loopback server the operator allows", async () => {
    const [result] = await fetchFrom(`http://127.0.0.1:${upstreamPort}/hello`);
    expect(result).toEqual({ status: 200, body: "upstream GET /hello" });
  });

  it("refuses the 51st subrequest of one invocation", async () => {
    const results = await fetchFrom(`http://127.0.0.1:${upstreamPort}/n`, 51);
    expect(results.slice(0, 50).every((r) => r.status === 200)).toBe(true);
    expect(results[50]?.error).toMatch(/subrequest limit of 50/);
  });

  it("does not count time spent waiting on fetch as CPU time", async () => {
    // cpuMs is 400; the upstream answers after 1 s.
    const [result] = await fetchFrom(`http://127.0.0.1:${upstreamPort}/slow`);
    expect(result).toEqual({ status: 200, body: "upstream GET /slow" });
  });
});
