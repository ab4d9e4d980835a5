// Counts each running invocation's outbound fetch bytes, for usage metering (egress per tenant and function).

/**
 * Bytes per invocation, from `start` to `finish`. Traffic reported for an invocation not running (a fetch
 * that settled after its invocation ended) is ignored, so nothing is kept for ids that are gone.
 *
 * @example
 * meter.start(id);
 * egressFetch(args, { ...context, onTraffic: (bytes) => meter.add(id, bytes) });
 * const egressBytes = meter.finish(id);
 */
export class EgressMeter {
  readonly #bytes = new Map<string, number>();

  start(invocationId: string): void {
    this.#bytes.set(invocationId, 0);
  }

  add(invocationId: string, bytes: number): void {
    const sofar = this.#bytes.get(invocationId);
    if (sofar !== undefined && Number.isFinite(bytes) && bytes > 0)
      this.#bytes.set(invocationId, sofar + bytes);
  }

  /** The invocation's total, undefined when it sent and received nothing; forgets the invocation. */
  finish(invocationId: string): number | undefined {
    const total = this.#bytes.get(invocationId);
    this.#bytes.delete(invocationId);
    return total === undefined || total === 0 ? undefined : total;
  }

  /** Invocations being counted now. */
  get size(): number {
    return this.#bytes.size;
  }
}
