// One runtime worker child process as seen from the supervisor: start, send, answer, and report its death.
import { type ChildProcess, fork } from "node:child_process";
import type { Socket } from "node:net";
import { type Batch, MessageBatcher, unbatch } from "../message-batch.js";
import type { FromWorker, ToWorker } from "../protocol.js";
import type { IsolateCacheStats } from "./runtime-stats.js";
import { PROC_RSS_AVAILABLE, readProcRssBytes } from "./worker-rss.js";

export interface WorkerHandleOptions {
  entry: string;
  env?: NodeJS.ProcessEnv;
  onMessage: (message: FromWorker) => void;
  onExit: (reason: string) => void;
}

const STDERR_TAIL_BYTES = 4096;

type WorkerAnswer = Extract<FromWorker, { type: "stats" }>;
/** How long a worker may take to answer a `stats` request before its RSS counts as unknown. */
const STATS_TIMEOUT_MS = 1000;

export class WorkerHandle {
  readonly ready: Promise<void>;
  /** Resolves when the process has exited (after the supervisor was told). */
  readonly exited: Promise<void>;
  /** Versions whose code this worker has been sent (it may still have dropped them; it then asks again). */
  readonly knownVersions = new Set<string>();
  #child: ChildProcess;
  #alive = true;
  /** It said it was ready (`ready` resolved). */
  #started = false;
  #retired = false;
  #killReason: string | undefined;
  #stderrTail = "";
  #nextStats = 1;
  readonly #statsWaiters = new Map<number, (answer: WorkerAnswer | undefined) => void>();
  /** Messages of this turn, sent together at its end. */
  readonly #outbox: MessageBatcher<ToWorker>;
  /** Connections being handed over whose message is not written yet: destroyed here if the worker dies first. */
  readonly #handing = new Set<Socket>();

  constructor(options: WorkerHandleOptions) {
    this.#child = fork(options.entry, [], {
      execArgv: ["--no-node-snapshot"],
      serialization: "advanced",
      stdio: ["ignore", "inherit", "pipe", "ipc"],
      env: options.env ?? process.env,
    });
    this.#child.stderr?.setEncoding("utf8");
    this.#child.stderr?.on("data", (chunk: string) => {
      process.stderr.write(chunk);
      this.#stderrTail = (this.#stderrTail + chunk).slice(-STDERR_TAIL_BYTES);
    });
    let markReady: () => void = () => {};
    let markFailed: (error: Error) => void = () => {};
    this.ready = new Promise((resolve, reject) => {
      markReady = resolve;
      markFailed = reject;
    });
    this.ready.catch(() => {});
    let markExited: () => void = () => {};
    this.exited = new Promise((resolve) => {
      markExited = resolve;
    });
    this.#outbox = new MessageBatcher((payload) => {
      if (this.#alive && this.#child.connected) this.#child.send(payload);
    });
    this.#child.on("message", (payload: Batch<FromWorker>) => {
      for (const message of unbatch(payload)) {
        if (message.type === "ready") {
          this.#started = true;
          markReady();
        } else if (message.type === "stats") this.#statsWaiters.get(message.id)?.(message);
        else options.onMessage(message);
      }
    });
    this.#child.on("exit", (code, signal) => {
      this.#alive = false;
      // Connections whose message was never written (Node queues a handle until the previous one is acknowledged).
      for (const socket of this.#handing) socket.destroy();
      this.#handing.clear();
      const ended = signal !== null ? `signal ${signal}` : `exit code ${code}`;
      const reason = this.#killReason === undefined ? ended : `${this.#killReason} (${ended})`;
      markFailed(new Error(`runtime worker ended before it was ready (${reason})`));
      options.onExit(reason);
      markExited();
    });
    this.#child.on("error", () => {
      // An IPC send to a dead child; the exit handler reports the death.
    });
  }

  /** It has started (said it was ready): an invocation can be sent to it without waiting. */
  get started(): boolean {
    return this.#started;
  }

  get alive(): boolean {
    return this.#alive;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** True once `stop` asked it to finish: its exit is no crash. */
  get retired(): boolean {
    return this.#retired;
  }

  /** The last lines the worker wrote to stderr: V8's fatal-OOM report when it aborted. */
  get stderrTail(): string {
    return this.#stderrTail;
  }

  /**
   * Queues a message for the end of this turn; false if the worker is gone already. (One that dies before the
   * turn ends loses the message; its exit is reported as for any other death.)
   */
  send(message: ToWorker): boolean {
    if (!this.#alive || !this.#child.connected) return false;
    this.#outbox.push(message);
    return true;
  }

  /**
   * Sends a message with a connection as its handle, at once: a handle cannot travel inside a batch. What this
   * turn queued goes first, so the worker sees messages in the order they were sent. The socket is closed here
   * once it was passed (the worker owns it then); destroyed if it could not be. False if the worker is gone: the
   * socket is left untouched then, for the caller to hand to another worker.
   */
  sendSocket(message: ToWorker, socket: Socket): boolean {
    if (!this.#alive || !this.#child.connected) return false;
    this.#outbox.flush();
    // keepOpen, and this process closes its copy itself once the message is written (the copy in flight keeps
    // the connection open for the worker). Left to Node, the copy stays open until the worker acknowledges it:
    // never, if it dies first, and the client would hang on a connection nobody serves.
    this.#handing.add(socket);
    this.#child.send(message, socket, { keepOpen: true }, () => {
      this.#handing.delete(socket);
      socket.destroy();
    });
    return true;
  }

  /**
   * Kills the process; from now on it counts as dead, even before its exit is reported. `reason` leads the
   * exit reason the supervisor is told.
   */
  kill(reason?: string): void {
    if (!this.#alive) return;
    this.#alive = false;
    this.#killReason = reason;
    this.#child.kill("SIGKILL");
  }

  /**
   * Resident memory of the process in bytes, undefined if unknown: from /proc on Linux, else asked over IPC
   * (which a worker whose event loop is blocked cannot answer; the watchdog covers that case).
   */
  async rssBytes(source: "proc" | "ipc" = PROC_RSS_AVAILABLE ? "proc" : "ipc"): Promise<number | undefined> {
    const pid = this.#child.pid;
    if (!this.#alive || pid === undefined) return undefined;
    if (source === "proc") return readProcRssBytes(pid);
    return (await this.stats())?.rssBytes;
  }

  /** The worker's own report over IPC (RSS and isolate cache); undefined if it does not answer in time. */
  async stats(): Promise<{ rssBytes?: number; isolates?: IsolateCacheStats } | undefined> {
    if (!this.#alive) return undefined;
    const id = this.#nextStats++;
    return new Promise((resolve) => {
      const done = (answer: WorkerAnswer | undefined) => {
        clearTimeout(timer);
        this.#statsWaiters.delete(id);
        if (answer === undefined) return resolve(undefined);
        const { rssBytes, isolates } = answer;
        resolve({
          ...(typeof rssBytes === "number" && Number.isFinite(rssBytes) ? { rssBytes } : {}),
          ...(isolates === undefined ? {} : { isolates }),
        });
      };
      const timer = setTimeout(() => done(undefined), STATS_TIMEOUT_MS);
      this.#statsWaiters.set(id, done);
      if (!this.send({ type: "stats", id })) done(undefined);
    });
  }

  /** Asks the worker to finish (it exits when IPC closes), killing it if it does not within `graceMs`. */
  async stop(graceMs = 2000): Promise<void> {
    this.#retired = true;
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    this.#outbox.flush();
    if (this.#child.connected) this.#child.disconnect();
    const timer = setTimeout(() => this.#child.kill("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
