// Child processes the harness starts (peers, Skiff, load generators): output kept (bounded), stopped by pid,
// and every one still running is killed if the harness itself exits.
import { type ChildProcess, spawn } from "node:child_process";

const KEPT_OUTPUT_CHARS = 64 * 1024;
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

export interface ManagedChild {
  readonly pid: number;
  readonly process: ChildProcess;
  /** The last 64 KB of stdout and stderr, for error messages. */
  output(): string;
  /** Resolves when the process has ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has ended. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartChildOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Called with each stdout chunk (the harness parses readiness lines from it). */
  onStdout?: (chunk: string) => void;
}

export function startChild(command: string, args: string[], options: StartChildOptions = {}): ManagedChild {
  installExitHook();
  const child = spawn(command, args, {
    env: options.env ?? process.env,
    cwd: options.cwd,
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  running.add(child);
  let output = "";
  const keep = (chunk: string) => {
    output = (output + chunk).slice(-KEPT_OUTPUT_CHARS);
  };
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    keep(chunk);
    options.onStdout?.(chunk);
  });
  child.stderr?.setEncoding("utf8").on("data", keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
    child.once("error", () => {
      running.delete(child);
      resolve({ code: null, signal: null });
    });
  });
  const pid = child.pid;
  return {
    pid,
    process: child,
    output: () => output,
    exited,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A run interrupted (Ctrl-C, a thrown error) must not leave servers behind on the machine. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const child of running) child.kill("SIGKILL");
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      for (const child of running) child.kill("SIGKILL");
      process.exit(130);
    });
  }
}
