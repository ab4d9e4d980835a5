// The main process's side, with the runtime's plane faked: what it gives the workers, what it takes from them,
// and the listener that hands connections over.
import { connect, type Socket } from "node:net";
import { DEFAULT_QUOTAS, type InvocationRecord, resolveFunctionConfig, type TenantQuotas } from "@skiff/core";
import type { DirectPlane, DirectPlaneOptions, VersionSpec } from "@skiff/runtime";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { DEFAULT_HTTP_LIMITS } from "../http-server.js";
import { type RunningDirectDataPlane, startDirectDataPlane } from "./main-plane.js";
import { invocationRecord } from "./plane-fixtures.js";
import type { DirectPlaneSnapshot } from "./plane-messages.js";

const spec = (tenant: string, functionName: string): VersionSpec => ({
  id: `${tenant}-${functionName}`,
  tenant,
  functionName,
  number: 1,
  codeHash: "hash",
  config: resolveFunctionConfig(),
  secrets: {},
});

const record = invocationRecord();

function fakes() {
  const routeListeners: Array<
    (tenant: string, name: string, version: VersionSpec | undefined) => void | Promise<void>
  > = [];
  const quotaListeners: Array<(tenant: string, quotas: TenantQuotas) => void> = [];
  const quotas = new Map<string, TenantQuotas>([["acme", { ...DEFAULT_QUOTAS, requestsPerSecond: 8 }]]);
  const recorded: InvocationRecord[] = [];
  const observed: unknown[][] = [];
  const broadcasts: unknown[] = [];
  const handed: Socket[] = [];
  let options: DirectPlaneOptions | undefined;
  let closedWith: number | undefined;
  const plane: DirectPlane = {
    workers: 2,
    hand: (socket) => {
      handed.push(socket);
      socket.destroy();
    },
    broadcast: (data) => broadcasts.push(data),
    close: async (drainMs) => {
      closedWith = drainMs;
    },
  };
  const gateway = {
    routes: {
      entries: () => [spec("acme", "hello"), spec("beta", "hi")][Symbol.iterator](),
      onChange: (listener: (typeof routeListeners)[number]) => routeListeners.push(listener),
    },
    limiter: {
      quotas: (tenant: string) => quotas.get(tenant) ?? DEFAULT_QUOTAS,
      onChange: (listener: (typeof quotaListeners)[number]) => quotaListeners.push(listener),
    },
    record: (r: InvocationRecord) => {
      if (r.id === "explodes") throw new Error("writer closed");
      recorded.push(r);
    },
    metrics: { observeHttp: (...args: unknown[]) => observed.push(args) },
  };
  const runtime = {
    serveDirect(given: DirectPlaneOptions) {
      options = given;
      // Both workers' modules say they are ready, after serveDirect returned (as the runtime's would).
      setImmediate(() => {
        given.onMessage({ ready: true }, 0);
        given.onMessage({ ready: true }, 1);
      });
      return plane;
    },
  };
  return {
    runtime,
    gateway,
    routeListeners,
    quotaListeners,
    recorded,
    observed,
    broadcasts,
    handed,
    options: () => options as DirectPlaneOptions,
    closedWith: () => closedWith,
  };
}

const config = {
  baseDomain: "localhost",
  requestBodyBytes: 1024,
  maxUrlBytes: 8192,
  http: { ...DEFAULT_HTTP_LIMITS },
  logLevel: "silent",
  mainUrl: "http://127.0.0.1:8787",
};

/**
 * The main side on a free loopback port, over `f`'s fake runtime and gateway. A route change waits a minute for
 * the workers here: a wait that should have ended outlasts the test's timeout and fails it.
 */
function startWith(f: ReturnType<typeof fakes>) {
  return startDirectDataPlane({
    runtime: f.runtime,
    gateway: f.gateway,
    port: 0,
    host: "127.0.0.1",
    config,
    logger: pino({ level: "silent" }),
    routeFollowMs: 60_000,
  });
}

/** Runs `test` against the main side over fresh fakes, then closes it with `drainMs`; returns the fakes. */
async function withPlane(
  test: (f: ReturnType<typeof fakes>, running: RunningDirectDataPlane) => Promise<void>,
  drainMs = 0,
): Promise<ReturnType<typeof fakes>> {
  const f = fakes();
  const running = await startWith(f);
  try {
    await test(f, running);
  } finally {
    await running.close(drainMs);
  }
  return f;
}

describe("startDirectDataPlane", () => {
  it("starts the workers' module with the config and a snapshot of routes and quotas", async () => {
    const closed = await withPlane(async (f, running) => {
      const options = f.options();
      expect(options.module).toMatch(/dist[/\\]server[/\\]direct[/\\]worker-plane\.js$/);
      expect(options.config).toEqual(config);
      const snapshot = options.snapshot() as DirectPlaneSnapshot;
      expect(snapshot.routes.map((version) => version.id)).toEqual(["acme-hello", "beta-hi"]);
      expect(snapshot.quotas).toEqual([
        ["acme", { ...DEFAULT_QUOTAS, requestsPerSecond: 8 }],
        ["beta", DEFAULT_QUOTAS],
      ]);
      expect(running.url).toBe(`http://127.0.0.1:${running.port}`);
      expect(running.address).toBe("127.0.0.1");
    }, 1_234);
    expect(closed.closedWith()).toBe(1_234);
  });

  it("broadcasts route changes with the tenant's quotas, and quota changes", async () => {
    await withPlane(async (f) => {
      const version = spec("acme", "new");
      for (const listener of f.routeListeners) listener("acme", "new", version);
      for (const listener of f.routeListeners) listener("beta", "hi", undefined);
      const quotas = { ...DEFAULT_QUOTAS, burst: 3 };
      for (const listener of f.quotaListeners) listener("beta", quotas);
      expect(f.broadcasts).toEqual([
        {
          type: "route",
          seq: 1,
          tenant: "acme",
          functionName: "new",
          version,
          quotas: { ...DEFAULT_QUOTAS, requestsPerSecond: 8 },
        },
        { type: "route", seq: 2, tenant: "beta", functionName: "hi", version: null, quotas: DEFAULT_QUOTAS },
        { type: "quotas", tenant: "beta", quotas },
      ]);
    });
  });

  it("settles a route change once every ready worker says it applied it, a restarted one from its snapshot", async () => {
    await withPlane(async (f, running) => {
      const { onMessage, snapshot } = f.options();
      // The workers say which change they started from (the fake's own "ready" carried none).
      onMessage({ ready: true, routed: 0 }, 0);
      onMessage({ ready: true, routed: 0 }, 1);
      const change = (name: string) => {
        const [listener] = f.routeListeners;
        return listener?.("acme", name, spec("acme", name)) as Promise<void>;
      };
      let settled = false;
      const first = change("one").then(() => {
        settled = true;
      });
      onMessage({ routed: 1 }, 0);
      await new Promise((resolve) => setImmediate(resolve));
      expect(settled).toBe(false);
      onMessage({ routed: 1 }, 1);
      await first;

      // Worker 1 restarts: its snapshot holds change 2, so only worker 0 is waited for.
      const second = change("two");
      expect((snapshot() as DirectPlaneSnapshot).seq).toBe(2);
      onMessage({ ready: true, routed: 2 }, 1);
      onMessage({ routed: 2 }, 0);
      await second;
      // A message of a worker that never said it is ready does not count it in.
      onMessage({ routed: 0 }, 5);
      const third = change("three");
      onMessage({ routed: 3 }, 0);
      onMessage({ routed: 3 }, 1);
      await third;

      // Worker 1 dies: changes wait for worker 0 only, until a replacement says where it starts.
      f.options().onStopped?.(1);
      const fourth = change("four");
      onMessage({ routed: 4 }, 0);
      await fourth;
      // A change pending when the plane closes ends its wait: the workers take no more changes.
      const fifth = change("five");
      await running.close(0);
      await fifth;
      expect(change("six")).toBeUndefined();
    });
  });

  it("keeps the workers' records and metrics, and ignores what is malformed without throwing", async () => {
    await withPlane(async (f) => {
      const { onMessage } = f.options();
      onMessage({ records: [record, { id: "explodes" }, { ...record, id: "explodes" }, record] }, 0);
      onMessage({ http: [["function", "GET", 200, 0.25], ["function", "GET"], "junk"] }, 1);
      for (const junk of [null, 5, "text", { records: 3 }]) onMessage(junk, 0);
      expect(f.recorded).toEqual([record, record]);
      expect(f.observed).toEqual([["function", "GET", 200, 0.25]]);
    });
  });

  it("hands each accepted connection to the plane, paused", async () => {
    await withPlane(async (f, running) => {
      const socket = connect(running.port, "127.0.0.1");
      socket.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      await new Promise((resolve) => socket.once("close", resolve));
      expect(f.handed).toHaveLength(1);
      expect(f.handed[0]?.isPaused()).toBe(true);
    });
  });

  it("says what to do when the port is taken", async () => {
    const f = fakes();
    const first = await startWith(f);
    try {
      const g = fakes();
      await expect(
        startDirectDataPlane({
          runtime: g.runtime,
          gateway: g.gateway,
          port: first.port,
          host: "127.0.0.1",
          config,
          logger: pino({ level: "silent" }),
        }),
      ).rejects.toThrow(/already in use/);
      // The plane it had started is closed again.
      expect(g.closedWith()).toBe(0);
    } finally {
      await first.close(0);
    }
  });
});
