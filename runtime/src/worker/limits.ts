// Enforces one invocation's CPU and wall-clock limits on an isolate. isolated-vm's own `timeout` is not a
// wall-clock guarantee and costs a timer thread per call, so this reads `isolate.cpuTime` instead: a check is
// armed for when the CPU budget could first be spent (CPU time never outruns wall time) and re-armed for
// the remainder until the invocation ends.
import type ivm from "isolated-vm";

export type LimitReason = "exceededCpu" | "timeout" | "canceled";

export interface InvocationLimits {
  cpuMs: number;
  timeoutMs: number;
}

export interface WatchOptions {
  /**
   * Leaves the limits' timers off until `arm`. A synchronous slice needs none (it is bounded by `leftMs`, and
   * they could not fire while it runs), and most warm invocations end within it: creating and clearing two
   * timers each cost the worker more than the rest of the watch.
   */
  deferTimers?: boolean;
}

/**
 * The CPU a cold start (prelude, module compile and top-level code) may use before the handler's own budget
 * starts, as Workers keeps a startup limit apart from the request's: a function with a 10 ms budget must not
 * fail because its isolate was made on a busy machine.
 */
export const STARTUP_CPU_MS = 1_000;

export class InvocationWatch {
  #isolate: ivm.Isolate;
  #limits: InvocationLimits;
  #cpuStart: bigint;
  /** Where the current budget (startup, then the handler's) is counted from. */
  #budgetStart: bigint;
  #budgetMs: number;
  /** Where the handler's CPU is counted from: the start, or `startHandler` after a cold start. */
  #handlerStart: bigint;
  /** performance.now() at which the wall-clock limit trips. */
  #wallDeadline: number;
  #cpuEnd: bigint | undefined;
  #cpuTimer: NodeJS.Timeout | undefined;
  #wallTimer: NodeJS.Timeout | undefined;
  #reason: LimitReason | undefined;
  #armed = false;

  constructor(isolate: ivm.Isolate, limits: InvocationLimits, options: WatchOptions = {}) {
    this.#isolate = isolate;
    this.#limits = limits;
    this.#cpuStart = isolate.cpuTime;
    this.#budgetStart = this.#cpuStart;
    this.#budgetMs = limits.cpuMs;
    this.#handlerStart = this.#cpuStart;
    this.#wallDeadline = performance.now() + limits.timeoutMs;
    if (options.deferTimers === true) return;
    this.#armed = true;
    this.#wallTimer = setTimeout(() => this.trip("timeout"), limits.timeoutMs);
    this.#armCpuCheck(limits.cpuMs);
  }

  /**
   * Starts the timers of a watch made with `deferTimers`, for what is left of its limits (no-op if started); a
   * limit already spent trips now, CPU first, as `tripIfSpent` does.
   */
  arm(): void {
    if (this.#armed || this.tripIfSpent() !== undefined || this.#cpuEnd !== undefined) return;
    this.#armed = true;
    this.#wallTimer = setTimeout(
      () => this.trip("timeout"),
      Math.max(0, this.#wallDeadline - performance.now()),
    );
    this.#armCpuCheck(Math.max(0, this.#budgetMs - Number(this.#readCpu() - this.#budgetStart) / 1e6));
  }

  /** A cold start begins: until `startHandler`, the CPU budget is the startup one (or the handler's, if larger). */
  startCold(): void {
    this.#rebudget(Math.max(STARTUP_CPU_MS, this.#limits.cpuMs));
  }

  /** The handler begins: its own CPU budget is counted from now. */
  startHandler(): void {
    this.#rebudget(this.#limits.cpuMs);
    this.#handlerStart = this.#budgetStart;
  }

  #rebudget(ms: number): void {
    if (this.#reason !== undefined || this.#cpuEnd !== undefined) return;
    clearTimeout(this.#cpuTimer);
    this.#budgetStart = this.#readCpu();
    this.#budgetMs = ms;
    if (this.#armed) this.#armCpuCheck(ms);
  }

  /** Why the isolate was stopped, if it was. */
  get reason(): LimitReason | undefined {
    return this.#reason;
  }

  get cpuMs(): number {
    return Number((this.#cpuEnd ?? this.#readCpu()) - this.#cpuStart) / 1e6;
  }

  /** CPU of the handler alone (a cold start's loading left out). */
  get handlerCpuMs(): number {
    return Number((this.#cpuEnd ?? this.#readCpu()) - this.#handlerStart) / 1e6;
  }

  /**
   * How long the isolate may still run before a limit trips: the smaller of the CPU budget left and the wall
   * time left. A synchronous slice (sandbox.ts `dispatchSliced`) is bounded by it, as the timers of this watch
   * cannot fire while the slice blocks the event loop.
   */
  get leftMs(): number {
    const cpuLeft = this.#budgetMs - Number(this.#readCpu() - this.#budgetStart) / 1e6;
    return Math.max(0, Math.min(cpuLeft, this.#wallDeadline - performance.now()));
  }

  /**
   * Trips the limit that is spent now, if one is (CPU first): for the moment right after a synchronous slice
   * was stopped, before the timers of this watch had a chance to run. Returns the reason, if any.
   */
  tripIfSpent(): LimitReason | undefined {
    if (this.#reason === undefined && this.#cpuEnd === undefined) {
      const used = Number(this.#readCpu() - this.#budgetStart) / 1e6;
      if (used >= this.#budgetMs) this.trip("exceededCpu");
      else if (performance.now() >= this.#wallDeadline) this.trip("timeout");
    }
    return this.#reason;
  }

  /** Stops the isolate now (disposing it) and records why. The first reason wins. */
  trip(reason: LimitReason): void {
    if (this.#reason !== undefined || this.#cpuEnd !== undefined) return;
    this.#reason = reason;
    this.#cpuEnd = this.#readCpu();
    this.#clearTimers();
    try {
      if (!this.#isolate.isDisposed) this.#isolate.dispose();
    } catch {
      // Disposed meanwhile by the slice guard's thread (slice-guard.ts).
    }
  }

  /**
   * Moves the wall-clock deadline to `ms` from now: once a response is sent, `ctx.waitUntil` work may go on
   * for its own bound rather than the handler's timeout. The CPU limit is unchanged.
   */
  extendWall(ms: number): void {
    if (this.#reason !== undefined || this.#cpuEnd !== undefined) return;
    clearTimeout(this.#wallTimer);
    this.#wallDeadline = performance.now() + ms;
    if (this.#armed) this.#wallTimer = setTimeout(() => this.trip("timeout"), ms);
  }

  /** Ends the watch when the invocation finished by itself. */
  stop(): void {
    this.#cpuEnd ??= this.#readCpu();
    this.#clearTimers();
  }

  #armCpuCheck(inMs: number): void {
    this.#cpuTimer = setTimeout(() => {
      const used = Number(this.#readCpu() - this.#budgetStart) / 1e6;
      if (used >= this.#budgetMs) this.trip("exceededCpu");
      else this.#armCpuCheck(Math.max(1, this.#budgetMs - used));
    }, inMs);
  }

  #readCpu(): bigint {
    try {
      return this.#isolate.cpuTime;
    } catch {
      return this.#cpuEnd ?? this.#cpuStart;
    }
  }

  #clearTimers(): void {
    clearTimeout(this.#cpuTimer);
    clearTimeout(this.#wallTimer);
  }
}
