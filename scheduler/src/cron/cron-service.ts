// Runs the cron triggers of every function's active version: one node-cron schedule per trigger, each tick
// claimed once in storage (so two processes sharing the data dir never run it twice), the overlap policy
// applied, failures retried through the async queue, and every run recorded.
import {
  type CronTrigger,
  type InvocationRecord,
  type InvocationResult,
  isSkiffError,
  newId,
  SkiffError,
  toInvocationRecord,
} from "@skiff/core";
import type { Runtime, VersionSpec } from "@skiff/runtime";
import type { EventQueue, LeasedEvent, TriggerRunRepository } from "@skiff/storage";
import type { Clock } from "../clock.js";
import { backoffMs } from "../queue/backoff.js";
import type { DeliveryHooks } from "../queue/dispatcher.js";
import { CronSchedule } from "./cron-schedule.js";
import { normalizeCron } from "./normalize-cron.js";

export interface CronServiceOptions {
  runs: TriggerRunRepository;
  queue: EventQueue;
  runtime: Runtime;
  clock: Clock;
  /** Wake the dispatcher after a retry was enqueued. */
  notifyQueue: () => void;
  onInvocation?: (record: InvocationRecord) => void;
  /** A scheduled tick (not one fired by hand, nor a retry) starts its invocation: cron lag for metrics. */
  onCronStarted?: (run: CronStart) => void;
  onError?: (error: unknown) => void;
  random?: () => number;
}

/** A cron tick as it starts: how late it is is `startedAt - scheduledTime`. */
export interface CronStart {
  tenant: string;
  functionName: string;
  cron: string;
  /** Epoch ms the tick was due. */
  scheduledTime: number;
  /** Epoch ms its invocation started. */
  startedAt: number;
}

/** A trigger as the API lists it. */
export interface TriggerInfo extends CronTrigger {
  /** The expression node-cron runs (Cloudflare's dialect translated). */
  normalized: string;
  nextRuns: number[];
}

export interface RunResult {
  cron: string;
  scheduledTime: number;
  /** "skipped" when the overlap policy skipped it; else the invocation's outcome. */
  outcome: string;
  invocationId: string | null;
}

interface ActiveTrigger {
  trigger: CronTrigger;
  key: string;
  schedule: CronSchedule;
  running: number;
}

interface FunctionTriggers {
  version: VersionSpec;
  triggers: ActiveTrigger[];
}

/** The scheduled-event payload stored for a retry: what the handler gets, plus which trigger it belongs to. */
interface ScheduledPayload {
  kind: "scheduled";
  cron: string;
  scheduledTime: number;
  timezone: string;
  /** A run fired by hand: its retries stay manual in the history (and never count as missed ticks). */
  manual?: boolean;
}

export function triggerKey(trigger: Pick<CronTrigger, "cron" | "timezone">): string {
  return `${trigger.cron}|${trigger.timezone}`;
}

/** Validates a function's cron triggers as the scheduler will run them; throws INVALID_CONFIG. */
export function validateTriggers(triggers: CronTrigger[]): void {
  const seen = new Set<string>();
  for (const trigger of triggers) {
    normalizeCron(trigger.cron);
    CronSchedule.validateTimezone(trigger.timezone);
    const key = triggerKey(trigger);
    if (seen.has(key)) {
      throw new SkiffError(
        "INVALID_CONFIG",
        `cron trigger "${trigger.cron}" (${trigger.timezone}) is listed twice`,
      );
    }
    seen.add(key);
  }
}

export class CronService {
  readonly #o: CronServiceOptions;
  readonly #functions = new Map<string, FunctionTriggers>();
  #stopped = false;

  constructor(options: CronServiceOptions) {
    this.#o = options;
  }

  /** Follows the active version: schedules its triggers, replacing the previous version's; undefined = deleted. */
  update(version: VersionSpec | undefined, tenant?: string, functionName?: string): void {
    const id =
      version === undefined ? `${tenant}/${functionName}` : `${version.tenant}/${version.functionName}`;
    const previous = this.#functions.get(id);
    for (const active of previous?.triggers ?? []) active.schedule.stop();
    this.#functions.delete(id);
    if (version === undefined || this.#stopped || version.config.triggers.crons.length === 0) return;
    const entry: FunctionTriggers = { version, triggers: [] };
    for (const trigger of version.config.triggers.crons) {
      try {
        const active: ActiveTrigger = {
          trigger,
          key: triggerKey(trigger),
          running: previous?.triggers.find((t) => t.key === triggerKey(trigger))?.running ?? 0,
          schedule: new CronSchedule(
            normalizeCron(trigger.cron).expression,
            trigger.timezone,
            (scheduledTime) => {
              void this.#fire(id, active, scheduledTime, false).catch((error) => this.#o.onError?.(error));
            },
          ),
        };
        active.schedule.start();
        entry.triggers.push(active);
      } catch (error) {
        // Validated at deploy; a trigger that no longer parses (e.g. an old row) is reported, not fatal.
        this.#o.onError?.(error);
      }
    }
    this.#functions.set(id, entry);
  }

  /** Runs, once, the latest tick missed while the platform was down, for triggers with `missed: catch-up-once`. */
  async catchUp(version: VersionSpec): Promise<RunResult[]> {
    const id = `${version.tenant}/${version.functionName}`;
    const entry = this.#functions.get(id);
    const results: RunResult[] = [];
    for (const active of entry?.triggers ?? []) {
      if (active.trigger.missed !== "catch-up-once") continue;
      const last = await this.#o.runs.lastScheduled(version.tenant, version.functionName, active.key);
      if (last === undefined) continue; // never ran: nothing was missed
      const missed = active.schedule.previousRun(this.#o.clock.now(), last);
      if (missed !== undefined) {
        const result = await this.#fire(id, active, missed, false);
        if (result !== undefined) results.push(result);
      }
    }
    return results;
  }

  /** Fires a function's triggers now (all, or those whose cron is `cron`), as `/__scheduled` does in wrangler. */
  async runNow(tenant: string, functionName: string, cron?: string): Promise<RunResult[]> {
    const id = `${tenant}/${functionName}`;
    const entry = this.#functions.get(id);
    const chosen = (entry?.triggers ?? []).filter((t) => cron === undefined || t.trigger.cron === cron);
    if (chosen.length === 0) {
      throw new SkiffError(
        "NOT_FOUND",
        cron === undefined
          ? `function "${functionName}" has no cron triggers`
          : `function "${functionName}" has no trigger "${cron}"`,
      );
    }
    const now = this.#o.clock.now();
    const results: RunResult[] = [];
    for (const active of chosen) {
      const result = await this.#fire(id, active, now, true);
      if (result !== undefined) results.push(result);
    }
    return results;
  }

  /** The function's triggers with their next run times. */
  list(tenant: string, functionName: string, version: VersionSpec | undefined): TriggerInfo[] {
    const entry = this.#functions.get(`${tenant}/${functionName}`);
    return (version?.config.triggers.crons ?? []).map((trigger) => {
      const active = entry?.triggers.find((t) => t.key === triggerKey(trigger));
      return {
        ...trigger,
        normalized: normalizeCron(trigger.cron).expression,
        nextRuns: active?.schedule.nextRuns(3) ?? [],
      };
    });
  }

  /** Delivery hooks for retried runs, which arrive through the async queue. */
  retryHooks(): DeliveryHooks {
    const runIds = new Map<string, number>();
    return {
      before: async (event: LeasedEvent, version: VersionSpec, invocationId: string) => {
        const payload = event.payload as ScheduledPayload;
        const runId = await this.#o.runs.claim(
          {
            tenant: version.tenant,
            functionName: version.functionName,
            triggerKey: triggerKey({ cron: payload.cron, timezone: payload.timezone }),
            cron: payload.cron,
            timezone: payload.timezone,
            scheduledTime: payload.scheduledTime,
            attempt: event.attempts,
            version: version.number,
            manual: payload.manual === true,
          },
          this.#o.clock.now(),
        );
        if (runId === undefined) return;
        runIds.set(event.id, runId);
        await this.#o.runs.start(runId, invocationId, this.#o.clock.now());
      },
      after: async (event: LeasedEvent, result: InvocationResult) => {
        const runId = runIds.get(event.id);
        runIds.delete(event.id);
        if (runId !== undefined) await this.#o.runs.finish(runId, result.outcome, this.#o.clock.now());
      },
    };
  }

  stop(): void {
    this.#stopped = true;
    for (const entry of this.#functions.values()) for (const active of entry.triggers) active.schedule.stop();
    this.#functions.clear();
  }

  async #fire(
    id: string,
    active: ActiveTrigger,
    scheduledTime: number,
    manual: boolean,
  ): Promise<RunResult | undefined> {
    const entry = this.#functions.get(id);
    if (entry === undefined || this.#stopped) return undefined;
    const { version } = entry;
    const { runs, clock } = this.#o;
    const { trigger } = active;
    const runId = await runs.claim(
      {
        tenant: version.tenant,
        functionName: version.functionName,
        triggerKey: active.key,
        cron: trigger.cron,
        timezone: trigger.timezone,
        scheduledTime,
        attempt: 1,
        version: version.number,
        manual,
      },
      clock.now(),
    );
    // Another process (sharing the data dir) claimed this tick.
    if (runId === undefined) return undefined;
    if (active.running > 0 && trigger.overlap === "skip" && !manual) {
      await runs.finish(runId, "skipped", clock.now());
      return { cron: trigger.cron, scheduledTime, outcome: "skipped", invocationId: null };
    }
    active.running++;
    const invocationId = newId();
    const startedAt = clock.now();
    if (!manual) {
      const { tenant, functionName } = version;
      this.#o.onCronStarted?.({ tenant, functionName, cron: trigger.cron, scheduledTime, startedAt });
    }
    try {
      // The invocation is on its way before its start is written: every tick due this moment waits for the
      // ones fired before it, so each keeps its own share of that wait short.
      const invocation = settled(
        this.#o.runtime.invoke(
          version,
          { kind: "scheduled", cron: trigger.cron, scheduledTime },
          { invocationId },
        ),
      );
      await runs.start(runId, invocationId, startedAt);
      let result: InvocationResult;
      try {
        result = await invocation.then(unwrap);
      } catch (error) {
        // A platform refusal (concurrency, shutdown): the run failed without the handler running.
        const outcome = isSkiffError(error) ? error.code : "crashed";
        await runs.finish(runId, outcome, clock.now());
        await this.#retry(version, trigger, scheduledTime, manual);
        return { cron: trigger.cron, scheduledTime, outcome, invocationId: null };
      }
      await runs.finish(runId, result.outcome, clock.now());
      this.#o.onInvocation?.(
        toInvocationRecord(
          {
            tenant: version.tenant,
            functionName: version.functionName,
            version: version.number,
            trigger: "cron",
            startedAt,
          },
          result,
        ),
      );
      if (result.outcome !== "ok" && result.noRetry !== true) {
        await this.#retry(version, trigger, scheduledTime, manual);
      }
      return { cron: trigger.cron, scheduledTime, outcome: result.outcome, invocationId };
    } finally {
      active.running--;
    }
  }

  async #retry(
    version: VersionSpec,
    trigger: CronTrigger,
    scheduledTime: number,
    manual: boolean,
  ): Promise<void> {
    const { maxAttempts, minBackoffMs } = version.config.async;
    if (maxAttempts <= 1) return;
    const payload: ScheduledPayload = {
      kind: "scheduled",
      cron: trigger.cron,
      scheduledTime,
      timezone: trigger.timezone,
      ...(manual ? { manual } : {}),
    };
    await this.#o.queue.enqueue(
      {
        tenant: version.tenant,
        functionName: version.functionName,
        kind: "scheduled",
        payload,
        // One retry chain per run, even if two processes both saw it fail.
        idempotencyKey: `cron:${triggerKey(trigger)}:${scheduledTime}`,
        attempts: 1,
        availableAt: this.#o.clock.now() + backoffMs(1, minBackoffMs, this.#o.random ?? Math.random),
      },
      this.#o.clock.now(),
    );
    this.#o.notifyQueue();
  }
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Holds a promise's outcome without letting a rejection go unhandled while other work is awaited. */
function settled<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
}

function unwrap<T>(outcome: Settled<T>): T {
  if (outcome.ok) return outcome.value;
  throw outcome.error;
}
