// One runtime worker child process as seen from the supervisor: start, send, answer, and report its death.
import { type ChildProcess, fork } from "node:child_process";
import type { FromWorker, ToWorker } from "../protocol.js";

export interface WorkerHandleOptions {
  entry: string;
  env?: NodeJS.ProcessEnv;
  onMessage: (message: FromWorker) => void;
  onExit: (reason: string) => void;
}

const STDERR_TAIL_BYTES = 4096;

export class WorkerHandle {
  readonly ready: Promise<void>;
  /** Resolves when the process has exited (after the supervisor was told). */
  readonly exited: Promise<void>;
  /** Versions whose code this worker has been sent (it may still have dropped them; it then asks again). */
  readonly knownVersions = new Set<string>();
  #child: ChildProcess;
  #alive = true;
  #stderrTail = "";

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
    this.#child.on("message", (message: FromWorker) => {
      if (message.type === "ready") markReady();
      else options.onMessage(message);
    });
    this.#child.on("exit", (code, signal) => {
      this.#alive = false;
      const reason = signal !== null ? `signal ${signal}` : `exit code ${code}`;
      markFailed(new Error(`runtime worker ended before it was ready (${reason})`));
      options.onExit(reason);
      markExited();
    });
    this.#child.on("error", () => {
      // An IPC send to a dead child; the exit handler reports the death.
    });
  }

  get alive(): boolean {
    return this.#alive;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** The last lines the worker wrote to stderr: V8's fatal-OOM report when it aborted. */
  get stderrTail(): string {
    return this.#stderrTail;
  }

  send(message: ToWorker): boolean {
    if (!this.#alive || !this.#child.connected) return false;
    this.#child.send(message);
    return true;
  }

  /** Kills the process; from now on it counts as dead, even before its exit is reported. */
  kill(): void {
    if (!this.#alive) return;
    this.#alive = false;
    this.#child.kill("SIGKILL");
  }

  /** Asks the worker to finish (it exits when IPC closes), killing it if it does not within `graceMs`. */
  async stop(graceMs = 2000): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    if (this.#child.connected) this.#child.disconnect();
    const timer = setTimeout(() => this.#child.kill("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
