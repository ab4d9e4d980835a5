// How many async events `skiff serve` delivers at once (SKIFF_ASYNC_IN_FLIGHT), checked before anything starts.
import { CliError } from "../cli-error.js";
import { parseIntegerOption } from "../parse-args.js";

/** Default of the dispatcher (scheduler/src/queue/dispatcher.ts DEFAULT_MAX_IN_FLIGHT), shown in the hint. */
const DEFAULT_EVENTS = 128;
const MAX_EVENTS = 10_000;

/**
 * @example
 * asyncInFlightFromEnv("256") // → 256
 * asyncInFlightFromEnv("0") // throws: at least one event must be deliverable
 */
export function asyncInFlightFromEnv(value: string): number {
  const events = parseIntegerOption("SKIFF_ASYNC_IN_FLIGHT", value, DEFAULT_EVENTS) as number;
  if (events < 1 || events > MAX_EVENTS) {
    throw new CliError(
      `SKIFF_ASYNC_IN_FLIGHT=${events} is not a number of events to deliver at once`,
      `use 1-${MAX_EVENTS}; the default is ${DEFAULT_EVENTS}`,
    );
  }
  return events;
}
