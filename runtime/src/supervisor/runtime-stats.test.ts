import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { singleModuleBundle } from "@skiff/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpEvent, versionOf } from "../testing/fixtures.js";
import { Supervisor } from "./supervisor.js";

const code = new Map<string, string>();
let runtime: Supervisor;
let upstream: Server;
let upstreamUrl: string;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.end("x".repeat(1000)));
  });
  upstream.listen(0, "127.0.0.1");
  await once(upstream, "listening");
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/`;
  runtime = new Supervisor({
    loadCode: async (v) => singleModuleBundle(code.get(v.id) ?? ""),
    workers: 1,
    egress: { allow: ["127.0.0.1"] },
  });
  await runtime.ready();
});
afterAll(async () => {
  await runtime.close();
  upstream.close();
});

describe("Supervisor.stats", () => {
  it("lists every worker slot with its isolate cache, whose hits and misses follow warm and cold starts", async () => {
    const version = versionOf("stats");
    code.set(version.id, `export default { fetch() { return new Response("ok") } }`);
    const before = await runtime.stats();
    expect(before.workers.map((w) => w.role)).toEqual(["invocations", "check"]);
    const invocations = before.workers[0];
    expect(invocations?.pid).toBeGreaterThan(0);
    expect(invocations?.restarts).toBe(0);
    expect(invocations?.rssBytes).toBeGreaterThan(0);

    expect((await runtime.invoke(version, httpEvent())).cold).toBe(true);
    expect((await runtime.invoke(version, httpEvent())).cold).toBe(false);
    const after = (await runtime.stats()).workers[0]?.isolates;
    const was = invocations?.isolates;
    expect(after?.misses).toBe((was?.misses ?? 0) + 1);
    expect(after?.hits).toBe((was?.hits ?? 0) + 1);
    expect(after?.idle).toBeGreaterThanOrEqual(1);
  });
});

describe("Supervisor.stats of the synchronous path", () => {
  it("counts the warm invocations whose first slice ran synchronously", async () => {
    const version = versionOf("sync-stats");
    code.set(version.id, `export default { fetch() { return new Response("ok") } }`);
    const was = (await runtime.stats()).workers[0]?.isolates;
    for (let i = 0; i < 4; i++) expect((await runtime.invoke(version, httpEvent())).outcome).toBe("ok");
    const after = (await runtime.stats()).workers[0]?.isolates;
    // The cold start is asynchronous; so may be the first warm one, when the cold start's handler ran long.
    expect(after?.syncSlices).toBeGreaterThanOrEqual((was?.syncSlices ?? 0) + 2);
    expect(after?.syncFinished).toBeGreaterThanOrEqual((was?.syncFinished ?? 0) + 2);
    expect(after?.reruns).toBe(after?.cutSlices);
  });
});

describe("egress bytes", () => {
  it("reports an invocation's outbound fetch bytes (body sent + body received) with its result", async () => {
    const version = versionOf("egress");
    code.set(
      version.id,
      `export default { async fetch() {
         const answer = await fetch(${JSON.stringify(upstreamUrl)}, { method: "POST", body: "0123456789" });
         return new Response(String((await answer.text()).length));
       } }`,
    );
    const result = await runtime.invoke(version, httpEvent());
    expect(result.outcome).toBe("ok");
    expect(result.egressBytes).toBe(10 + 1000);

    const quiet = versionOf("quiet");
    code.set(quiet.id, `export default { fetch() { return new Response("ok") } }`);
    expect((await runtime.invoke(quiet, httpEvent())).egressBytes).toBeUndefined();
  });
});
