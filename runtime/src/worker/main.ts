// Runtime worker entry: a child process that hosts isolates and answers the supervisor over IPC.
// Started by the supervisor with --no-node-snapshot (isolated-vm requires it on Node 20+).
import type { FromWorker, ToWorker } from "../protocol.js";
import { checkModule } from "./check.js";
import { CodeCache, CodeNeeded, Invoker } from "./invoker.js";
import { IsolatePool } from "./isolate-pool.js";
import { Sandbox } from "./sandbox.js";
import { SpareIsolates } from "./spare-isolates.js";

const env = process.env;
const pool = new IsolatePool<Sandbox>({
  maxIsolates: Number(env.SKIFF_MAX_ISOLATES ?? 1000),
  maxHeapBytes: Number(env.SKIFF_MAX_ISOLATE_HEAP_MB ?? 2048) * 1024 * 1024,
  idleTtlMs: Number(env.SKIFF_ISOLATE_IDLE_MS ?? 5 * 60_000),
  now: Date.now,
});
const spares = new SpareIsolates<Sandbox>({
  perSize: Number(env.SKIFF_SPARE_ISOLATES ?? 2),
  defaultMemoryMb: Number(env.SKIFF_DEFAULT_MEMORY_MB ?? 128),
  unusedTtlMs: 5 * 60_000,
  create: (memoryMb) => new Sandbox(memoryMb),
  now: Date.now,
  onError: (error) =>
    process.stderr.write(`skiff worker: could not prepare a spare isolate: ${String(error)}\n`),
});
const invoker = new Invoker({ pool, code: new CodeCache(), spares });

function send(message: FromWorker): void {
  process.send?.(message);
}

process.on("message", (message: ToWorker) => {
  switch (message.type) {
    case "invoke":
      invoker.invoke(message.id, message.version, message.event, message.code).then(
        (result) => send({ type: "result", id: message.id, result }),
        (error) => {
          if (error instanceof CodeNeeded) send({ type: "need-code", id: message.id });
          else
            send({
              type: "result",
              id: message.id,
              result: {
                invocationId: message.id,
                outcome: "crashed",
                cold: true,
                cpuMs: 0,
                wallMs: 0,
                logs: [],
                droppedLogLines: 0,
                error: { name: "Error", message: String(error) },
              },
            });
        },
      );
      break;
    case "cancel":
      invoker.cancel(message.id);
      break;
    case "check":
      checkModule(message.code).then((result) => send({ type: "checked", id: message.id, result }));
      break;
    case "evict":
      invoker.evict(message.versionId);
      break;
  }
});

const sweeper = setInterval(() => {
  pool.sweep();
  spares.sweep();
}, 10_000);
sweeper.unref();
process.on("disconnect", () => {
  spares.close();
  pool.disposeAll();
  process.exit(0);
});
send({ type: "ready", pid: process.pid });
