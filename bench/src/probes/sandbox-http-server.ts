// Probe server (not a product): node:http answering the hello world and the JSON echo with the runtime's own
// Sandbox called in the same process, on the synchronous path a warm runtime worker takes (`dispatchSliced`
// bounded by the slice guard). No gateway, no IPC hop, no invocation records, limits or metrics: what any design
// that keeps Skiff's prelude and isolate crossing could at most reach per process. PROBE_PROCESSES > 1 runs that
// many such processes on one port (node:cluster), as runtime workers accepting connections themselves would.
// Started with --no-node-snapshot (isolated-vm needs it); prints {"port":N} once every process listens.
import cluster from "node:cluster";
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { join } from "node:path";
import { type HttpEvent, singleModuleBundle } from "@skiff/core";
import { type InvocationMeta, Sandbox, SLICE_CUT, SliceGuard } from "@skiff/runtime/sandbox";
import { EXAMPLES_DIR, MODULES_DIR } from "../paths.js";
import { readBody } from "./read-body.js";

/** The default memory size of a function. */
const MEMORY_MB = 128;
/** Long enough that a descheduled slice is not cut (a cut would need the re-run machinery this probe lacks). */
const SLICE_MS = 1_000;

const processes = Number(process.env.PROBE_PROCESSES ?? "1");

async function loaded(file: string, id: string): Promise<Sandbox> {
  const sandbox = new Sandbox(MEMORY_MB);
  await sandbox.load(id, singleModuleBundle(await readFile(file, "utf8")), {});
  return sandbox;
}

async function serveProcess(): Promise<void> {
  const guard = new SliceGuard();
  const sandboxes = new Map([
    ["/hello", await loaded(join(EXAMPLES_DIR, "hello.js"), "hello")],
    ["/echo", await loaded(join(MODULES_DIR, "echo-json.js"), "echo")],
  ]);
  let counter = 0;
  const answer = async (request: IncomingMessage, response: ServerResponse, sandbox: Sandbox) => {
    const headers: Array<[string, string]> = [];
    for (let i = 0; i < request.rawHeaders.length; i += 2) {
      headers.push([(request.rawHeaders[i] as string).toLowerCase(), request.rawHeaders[i + 1] as string]);
    }
    const method = request.method ?? "GET";
    const body = method === "GET" || method === "HEAD" ? null : await readBody(request);
    const event: HttpEvent = { kind: "http", method, url: `http://127.0.0.1${request.url}`, headers, body };
    const meta: InvocationMeta = {
      invocationId: String(++counter),
      tenant: "probe",
      functionName: request.url ?? "",
      version: 1,
      memoryMb: MEMORY_MB,
      deadline: Date.now() + 10_000,
    };
    const sliced = sandbox.dispatchSliced(event, meta, {}, SLICE_MS, guard);
    if (sliced === SLICE_CUT) throw new Error("the slice was cut");
    const result = sliced instanceof Promise ? await sliced : sliced;
    if (result.response === undefined || result.body === undefined)
      throw new Error(`outcome ${result.outcome}`);
    response.writeHead(result.response.status, result.response.headers.flat());
    response.end(result.body);
  };
  const server = createServer((request, response) => {
    const sandbox = sandboxes.get(request.url ?? "");
    if (sandbox === undefined) {
      response.writeHead(404).end();
      return;
    }
    answer(request, response, sandbox).catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      response.destroy();
    });
  });
  // Port 0 in every cluster worker: the primary hands them all the one socket it bound.
  server.listen(0, "127.0.0.1", () => {
    const address = server.address();
    if (!cluster.isWorker && address !== null && typeof address === "object") {
      process.stdout.write(`{"port":${address.port}}\n`);
    }
  });
  process.once("SIGTERM", () => server.close(() => process.exit(0)));
}

if (cluster.isPrimary && processes > 1) {
  const ports = new Set<number>();
  let listening = 0;
  for (let i = 0; i < processes; i++) {
    cluster.fork().once("listening", (address) => {
      ports.add(address.port);
      if (++listening < processes) return;
      if (ports.size !== 1) throw new Error(`the cluster workers listen on ${[...ports].join(", ")}`);
      process.stdout.write(`{"port":${address.port}}\n`);
    });
  }
  process.once("SIGTERM", () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill("SIGTERM");
    process.exit(0);
  });
} else {
  await serveProcess();
}
