// Runtime worker entry: a child process that hosts isolates and answers the supervisor over IPC.
// Started by the supervisor with --no-node-snapshot (isolated-vm requires it on Node 20+).

import type { Socket } from "node:net";
import type { Binding, InvocationEvent } from "@skiff/core";
import { DEFAULT_EGRESS_POLICY } from "../egress-defaults.js";
import type { EgressPolicy } from "../fetch-types.js";
import { type Batch, MessageBatcher, unbatch } from "../message-batch.js";
import type { FromWorker, ToWorker } from "../protocol.js";
import type { NotificationChain, VersionSpec } from "../types.js";
import { checkBundle } from "./check.js";
import { CompileCache } from "./compile-cache.js";
import { PlaneWorker } from "./direct/plane-worker.js";
import { RunningReporter } from "./direct/running-reporter.js";
import { EgressMeter } from "./egress/egress-meter.js";
import { createEgressFetch, type EgressFetch, SubrequestBudget } from "./egress/index.js";
import { CodeCache, CodeNeeded, Invoker } from "./invoker.js";
import { IsolatePool } from "./isolate-pool.js";
import { preludeCodeCache } from "./prelude-code-cache.js";
import type { ResponseSink } from "./response-sink.js";
import { Sandbox } from "./sandbox.js";
import { SliceGuard } from "./slice-guard.js";
import { DEFAULT_SPARES_PER_SIZE, SpareIsolates } from "./spare-isolates.js";
import { SpecCache } from "./spec-cache.js";

const env = process.env;

const pool = new IsolatePool<Sandbox>({
  maxIsolates: Number(env.SKIFF_MAX_ISOLATES ?? 1000),
  maxHeapBytes: Number(env.SKIFF_MAX_ISOLATE_HEAP_MB ?? 1024) * 1024 * 1024,
  idleTtlMs: Number(env.SKIFF_ISOLATE_IDLE_MS ?? 5 * 60_000),
  now: Date.now,
});
const spares = new SpareIsolates<Sandbox>({
  perSize: Number(env.SKIFF_SPARE_ISOLATES ?? DEFAULT_SPARES_PER_SIZE),
  defaultMemoryMb: Number(env.SKIFF_DEFAULT_MEMORY_MB ?? 128),
  unusedTtlMs: 5 * 60_000,
  create: (memoryMb) => new Sandbox(memoryMb),
  now: Date.now,
  onError: (error) =>
    process.stderr.write(`skiff worker: could not prepare a spare isolate: ${String(error)}\n`),
  beforeFirst: () => preludeCodeCache.enrich(() => new Sandbox(128)),
});
const compileCache = new CompileCache(
  env.SKIFF_COMPILE_CACHE_DIR === undefined ? {} : { dir: env.SKIFF_COMPILE_CACHE_DIR },
);
let egressPolicy: EgressPolicy = JSON.parse(env.SKIFF_EGRESS_POLICY ?? "null") ?? DEFAULT_EGRESS_POLICY;
let egressFetch: EgressFetch = createEgressFetch(egressPolicy);
/** Outbound fetch bytes of the invocations running here, reported with each result (usage metering). */
const egressMeter = new EgressMeter();
/** Stops synchronous slices that run too long; SKIFF_SLICE_GUARD=0 leaves that to isolated-vm's `timeout`. */
const sliceGuard = env.SKIFF_SLICE_GUARD === "0" ? undefined : new SliceGuard();
// The guard's watcher runs on one of isolated-vm's threads: stopped before the process exits, however it exits
// (left running, it crashes the exit).
process.on("exit", () => sliceGuard?.close());
/** The direct plane's invocations in flight here (their binding calls carry their spec). */
const directRunning = new RunningReporter({ send, flush: () => outbox.flush() });
const invoker = new Invoker({
  pool,
  code: new CodeCache(),
  spares,
  compileCache,
  ...(env.SKIFF_SYNC_SLICE_MS === undefined ? {} : { syncSliceMs: Number(env.SKIFF_SYNC_SLICE_MS) }),
  ...(sliceGuard === undefined ? {} : { sliceGuard }),
  extraHostCalls: ({ version, deadline, invocationId, event }) => {
    const budget = new SubrequestBudget(egressPolicy.maxSubrequests);
    const allowedHosts = version.config.allowedHosts ?? [];
    return {
      fetch: (args, signal) =>
        egressFetch(args, {
          allowedHosts,
          signal,
          budget,
          deadline,
          onTraffic: (bytes) => egressMeter.add(invocationId, bytes),
        }),
      binding: (args, signal) => forwardBindingCall(invocationId, event, version, args, signal, budget),
    };
  },
});

/** Binding calls forwarded to the main process, by `${invocationId}:${callId}`. */
const MAX_BINDING_CALLS_IN_FLIGHT = 8;
const bindingCallsInFlight = new Map<string, number>();
const bindingCalls = new Map<string, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
let nextBindingCall = 1;
/** The chain each running invocation continues, when the supervisor gave one (it was called by a service binding). */
const invocationChains = new Map<string, NotificationChain>();

/**
 * Sends a binding call (`env.UPLOADS.get(…)`) to the main process, which owns storage. Only bindings the version
 * declares are forwarded; the main process checks again.
 */
function forwardBindingCall(
  invocationId: string,
  event: InvocationEvent,
  version: VersionSpec,
  args: unknown,
  signal: AbortSignal,
  budget: SubrequestBudget,
): Promise<unknown> {
  const { name, op, args: opArgs } = (args ?? {}) as { name?: unknown; op?: unknown; args?: unknown };
  if (typeof name !== "string" || typeof op !== "string")
    return Promise.reject(new Error("invalid binding call"));
  const binding = version.config.bindings.find((candidate: Binding) => candidate.name === name);
  if (binding === undefined) {
    return Promise.reject(new Error(`this function has no binding named ${name}`));
  }
  // A call to another function is a subrequest, like an outbound fetch (Workers counts service bindings so).
  if (binding.type === "service") {
    try {
      budget.take();
    } catch (error) {
      return Promise.reject(error);
    }
  }
  // Each call may bring a whole object into the main process: bound how many one invocation has in flight.
  const inFlight = bindingCallsInFlight.get(invocationId) ?? 0;
  if (inFlight >= MAX_BINDING_CALLS_IN_FLIGHT) {
    return Promise.reject(
      new Error(`at most ${MAX_BINDING_CALLS_IN_FLIGHT} binding calls may be in flight at once`),
    );
  }
  bindingCallsInFlight.set(invocationId, inFlight + 1);
  const done = () => {
    const left = (bindingCallsInFlight.get(invocationId) ?? 1) - 1;
    if (left <= 0) bindingCallsInFlight.delete(invocationId);
    else bindingCallsInFlight.set(invocationId, left);
  };
  const callId = nextBindingCall++;
  const key = `${invocationId}:${callId}`;
  const chain =
    invocationChains.get(invocationId) ??
    (event.kind === "queue" ? (event as { chain?: NotificationChain }).chain : undefined);
  let onAbort = () => {};
  return new Promise<unknown>((resolve, reject) => {
    bindingCalls.set(key, { resolve, reject });
    onAbort = () => {
      if (bindingCalls.delete(key)) reject(new Error("the invocation ended"));
    };
    signal.addEventListener("abort", onAbort, { once: true });
    send({
      type: "binding-call",
      id: invocationId,
      callId,
      binding: name,
      op,
      args: opArgs,
      ...(chain === undefined ? {} : { chain }),
      // The supervisor holds no pending invoke for a direct invocation: it serves the call with this spec.
      ...(directRunning.has(invocationId) ? { version } : {}),
    });
  }).finally(() => {
    // A streaming handler may make many calls in one invocation: listeners of settled calls must not pile up.
    signal.removeEventListener("abort", onAbort);
    done();
  });
}

/** Chunk host calls waiting for the supervisor's acknowledgement, per invocation, oldest first. */
const awaitingAck = new Map<string, Array<() => void>>();
/** Version specs by the supervisor's number: invokes after the first for a spec carry only the number. */
const specs = new SpecCache();

/** What this turn sends, sent together at its end. */
const outbox = new MessageBatcher<FromWorker>((payload) => {
  // The supervisor may disconnect before this worker has said it is ready (it closed meanwhile): a send then
  // would throw out of the process.
  if (process.connected) process.send?.(payload);
});

function send(message: FromWorker): void {
  outbox.push(message);
}

function sinkFor(id: string): ResponseSink {
  return {
    start: (response) => send({ type: "response", id, ...response }),
    chunk: (bytes) =>
      new Promise<void>((resolve) => {
        const queue = awaitingAck.get(id);
        if (queue === undefined) awaitingAck.set(id, [resolve]);
        else queue.push(resolve);
        send({ type: "chunk", id, bytes });
      }),
    end: (error) => send({ type: "end", id, ...(error === undefined ? {} : { error }) }),
  };
}

function crashedResult(id: string, error: unknown) {
  return {
    invocationId: id,
    outcome: "crashed" as const,
    cold: true,
    cpuMs: 0,
    wallMs: 0,
    logs: [],
    droppedLogLines: 0,
    error: { name: "Error", message: String(error) },
  };
}

/** The direct data plane, started when the supervisor asks (`direct-start`). */
const directPlane = new PlaneWorker({ send, invoker, egressMeter, reporter: directRunning });

process.on("message", (payload: Batch<ToWorker>, socket?: Socket) => {
  // A connection arrives alone, with its socket as the handle (a handle cannot travel inside a batch).
  if (socket !== undefined && !Array.isArray(payload) && payload.type === "direct-connection") {
    directPlane.handle(payload, socket);
    return;
  }
  for (const message of unbatch(payload)) handle(message);
});

function handle(message: ToWorker): void {
  switch (message.type) {
    case "invoke": {
      if (message.version !== undefined) specs.set(message.specId, message.version);
      const version = specs.get(message.specId);
      if (version === undefined) {
        send({ type: "need-code", id: message.id });
        break;
      }
      if (message.chain !== undefined) invocationChains.set(message.id, message.chain);
      egressMeter.start(message.id);
      invoker
        .invoke(message.id, version, message.event, sinkFor(message.id), message.bundle, message.eventId)
        .then(
          (result) => {
            const egressBytes = egressMeter.finish(message.id);
            send({
              type: "result",
              id: message.id,
              result: egressBytes === undefined ? result : { ...result, egressBytes },
            });
          },
          (error) => {
            if (error instanceof CodeNeeded) send({ type: "need-code", id: message.id });
            else send({ type: "result", id: message.id, result: crashedResult(message.id, error) });
          },
        )
        .finally(() => {
          // Pending chunk calls belong to an invocation that ended; release them.
          for (const resolve of awaitingAck.get(message.id) ?? []) resolve();
          awaitingAck.delete(message.id);
          invocationChains.delete(message.id);
          egressMeter.finish(message.id);
        });
      break;
    }
    case "binding-result": {
      const key = `${message.id}:${message.callId}`;
      const call = bindingCalls.get(key);
      bindingCalls.delete(key);
      if (message.ok) call?.resolve(message.value);
      else call?.reject(new Error(String(message.value)));
      break;
    }
    case "chunk-ack":
      awaitingAck.get(message.id)?.shift()?.();
      break;
    case "cancel":
      invoker.cancel(message.id);
      break;
    case "stats":
      send({
        type: "stats",
        id: message.id,
        rssBytes: process.memoryUsage().rss,
        isolates: { ...pool.stats(), ...invoker.syncPathStats() },
      });
      break;
    case "check":
      checkBundle(message.bundle).then((result) => send({ type: "checked", id: message.id, result }));
      break;
    case "evict":
      invoker.evict(message.versionId);
      specs.deleteVersion(message.versionId);
      break;
    case "direct-ping":
      send({ type: "direct-pong" });
      break;
    case "direct-start":
    case "direct-connection":
    case "direct-data":
    case "direct-close":
    case "direct-quarantine":
    case "direct-code":
    case "direct-probation":
    case "direct-watch":
    case "direct-invoke-response":
    case "direct-invoke-chunk":
    case "direct-invoke-end":
    case "direct-invoke-result":
    case "direct-invoke-error":
      directPlane.handle(message, undefined);
      break;
    case "egress":
      try {
        egressFetch = createEgressFetch(message.policy);
        egressPolicy = message.policy;
      } catch (error) {
        process.stderr.write(
          `skiff worker: egress policy refused, keeping the previous one: ${String(error)}\n`,
        );
      }
      break;
  }
}

const sweeper = setInterval(() => {
  pool.sweep();
  spares.sweep();
}, 10_000);
sweeper.unref();
// A terminal's Ctrl-C (and a service manager stopping the whole group) signals every process of the group, this
// worker too. The supervisor stops its workers itself once the server has drained; dying now would cut the
// requests that drain waits for. Without a supervisor (it died or disconnected), "disconnect" below ends us.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => {});
process.on("disconnect", () => {
  spares.close();
  pool.disposeAll();
  process.exit(0);
});
send({ type: "ready", pid: process.pid });
