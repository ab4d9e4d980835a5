// The direct data plane inside one invocation worker: starts the module the supervisor names, feeds it the
// connections and data the supervisor hands over, and closes it on request. Connections and data that arrive
// while the module is still starting wait for it, in order.
import type { Socket } from "node:net";
import { pathToFileURL } from "node:url";
import type { DirectPlaneHost, DirectPlaneInstance, DirectPlaneModule } from "../../direct-plane.js";
import type { DirectFromWorker, DirectToWorker } from "../../protocol.js";
import type { EgressMeter } from "../egress/egress-meter.js";
import type { Invoker } from "../invoker.js";
import { CodeFetcher } from "./code-fetcher.js";
import { LocalRuntime } from "./local-runtime.js";
import { RemoteInvoker } from "./remote-invoker.js";
import type { RunningReporter } from "./running-reporter.js";

export interface PlaneWorkerOptions {
  send: (message: DirectFromWorker) => void;
  invoker: Pick<Invoker, "invoke" | "cancel">;
  egressMeter: EgressMeter;
  reporter: RunningReporter;
}

/** What waits for the module to be ready: connections and broadcast data, in the order they came. */
type Waiting = { socket: Socket } | { data: unknown };

export class PlaneWorker {
  readonly #options: PlaneWorkerOptions;
  readonly #fetcher: CodeFetcher;
  readonly #remote: RemoteInvoker;
  #runtime: LocalRuntime | undefined;
  /** Settles once the module has started (undefined: it failed); absent before `direct-start`. */
  #starting: Promise<DirectPlaneInstance | undefined> | undefined;
  #instance: DirectPlaneInstance | undefined;
  #waiting: Waiting[] = [];
  #closing = false;

  constructor(options: PlaneWorkerOptions) {
    this.#options = options;
    this.#fetcher = new CodeFetcher(options.send);
    this.#remote = new RemoteInvoker(options.send);
  }

  /** A direct-plane message from the supervisor; `socket` comes with `direct-connection`. */
  handle(message: DirectToWorker, socket: Socket | undefined): void {
    switch (message.type) {
      case "direct-start":
        this.#start(message);
        return;
      case "direct-connection":
        if (socket === undefined) return;
        if (this.#instance !== undefined) this.#instance.connection(socket);
        else if (this.#starting !== undefined && !this.#closing) this.#waiting.push({ socket });
        // The module failed or is closing: the client sees its connection refused rather than hang.
        else socket.destroy();
        return;
      case "direct-data":
        if (this.#instance !== undefined) this.#instance.message(message.data);
        else if (this.#starting !== undefined) this.#waiting.push({ data: message.data });
        return;
      case "direct-quarantine":
        this.#runtime?.setQuarantined(message.list);
        return;
      case "direct-code":
        this.#fetcher.answer(message.id, message.bundle, message.error);
        return;
      case "direct-probation":
        this.#runtime?.setProbation(message.versionIds);
        return;
      case "direct-watch":
        this.#options.reporter.watch(message.untilMs);
        return;
      case "direct-invoke-response":
      case "direct-invoke-chunk":
      case "direct-invoke-end":
      case "direct-invoke-result":
      case "direct-invoke-error":
        this.#remote.handle(message);
        return;
      case "direct-close":
        void this.#close(message.drainMs);
        return;
    }
  }

  #start(message: Extract<DirectToWorker, { type: "direct-start" }>): void {
    if (this.#starting !== undefined) return;
    const { send, invoker, egressMeter, reporter } = this.#options;
    const runtime = new LocalRuntime({
      invoker,
      workers: message.workers,
      maxQueueWaitMs: message.maxQueueWaitMs,
      fetcher: this.#fetcher,
      remote: this.#remote,
      reporter,
      egressMeter,
    });
    runtime.setQuarantined(message.quarantined);
    this.#runtime = runtime;
    const host: DirectPlaneHost = {
      config: message.config,
      snapshot: message.snapshot,
      slot: message.slot,
      workers: message.workers,
      runtime: { invoke: (version, event, options) => runtime.invoke(version, event, options) },
      send: (data) => send({ type: "direct-data", data }),
    };
    this.#starting = (async () => {
      const module = (await import(pathToFileURL(message.module).href)) as Partial<DirectPlaneModule>;
      if (typeof module.startDirectPlane !== "function")
        throw new Error(`${message.module} does not export startDirectPlane`);
      return module.startDirectPlane(host);
    })().then(
      (instance) => {
        this.#instance = instance;
        for (const waiting of this.#waiting.splice(0)) {
          if ("socket" in waiting) instance.connection(waiting.socket);
          else instance.message(waiting.data);
        }
        send({ type: "direct-ready" });
        return instance;
      },
      (error: unknown) => {
        for (const waiting of this.#waiting.splice(0)) if ("socket" in waiting) waiting.socket.destroy();
        send({ type: "direct-failed", message: error instanceof Error ? error.message : String(error) });
        return undefined;
      },
    );
  }

  async #close(drainMs: number): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    const instance = await this.#starting;
    try {
      await instance?.close(drainMs);
    } catch (error) {
      process.stderr.write(`skiff worker: the direct plane did not close cleanly: ${String(error)}\n`);
    }
    this.#options.send({ type: "direct-closed" });
  }
}
