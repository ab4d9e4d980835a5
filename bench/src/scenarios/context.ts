// What every scenario is given: the plan, the timeline of load, and a progress line printer.
import type { BenchPlan } from "../plan.js";
import type { Timeline } from "../timeline.js";

export interface ScenarioContext {
  plan: BenchPlan;
  timeline: Timeline;
  /** Progress for a person watching (stderr); results go elsewhere. */
  log: (line: string) => void;
}

/** Runs `task` over `items` with at most `parallelism` at once; results in input order. */
export async function mapParallel<T, R>(
  items: readonly T[],
  parallelism: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(parallelism, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T, index);
    }
  });
  await Promise.all(lanes);
  return results;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
