// Buffers invocation records and writes them in batches, off the request path (DESIGN §3 step 5).
import type { InvocationRecord } from "@skiff/core";
import type { InvocationRepository } from "@skiff/storage";
import type { Logger } from "pino";
import type { InvocationBus } from "./observe/invocation-bus.js";

export interface InvocationWriterOptions {
  repository: InvocationRepository;
  logger: Logger;
  /** Records kept per function when pruning. */
  retention: number;
  /** Longest a record waits in the buffer, ms. Default 200. */
  flushIntervalMs?: number;
  /** A buffer this full is written at once. Default 100. */
  batchSize?: number;
  /** Prune after this many records have been written since the last prune. Default 1000. */
  pruneEvery?: number;
  /** Records held while storage is slow; past this the oldest are dropped (and counted). Default 10 000. */
  maxBuffered?: number;
  /** Every added record is published here first (live follow, metrics), whether or not it is then stored. */
  bus?: InvocationBus;
}

/**
 * Collects records from finished invocations and writes them with `insertMany`, every `flushIntervalMs` or
 * every `batchSize` records, whichever comes first. A failed write is logged and its records counted as dropped:
 * losing a record must never fail or stall an invocation.
 */
export class InvocationWriter {
  readonly #repository: InvocationRepository;
  readonly #logger: Logger;
  readonly #retention: number;
  readonly #flushIntervalMs: number;
  readonly #batchSize: number;
  readonly #pruneEvery: number;
  readonly #maxBuffered: number;
  readonly #bus: InvocationBus | undefined;
  #buffer: InvocationRecord[] = [];
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();
  #writtenSincePrune = 0;
  #written = 0;
  #dropped = 0;
  #closed = false;

  constructor(options: InvocationWriterOptions) {
    this.#repository = options.repository;
    this.#logger = options.logger;
    this.#retention = options.retention;
    this.#flushIntervalMs = options.flushIntervalMs ?? 200;
    this.#batchSize = options.batchSize ?? 100;
    this.#pruneEvery = options.pruneEvery ?? 1000;
    this.#maxBuffered = options.maxBuffered ?? 10_000;
    this.#bus = options.bus;
  }

  /** Records written so far. */
  get written(): number {
    return this.#written;
  }

  /** Records lost to failed writes or a full buffer. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Records waiting to be written. */
  get pending(): number {
    return this.#buffer.length;
  }

  add(record: InvocationRecord): void {
    this.#bus?.publish(record);
    if (this.#closed) {
      this.#drop(1, "invocation record arrived after the writer closed");
      return;
    }
    this.#buffer.push(record);
    if (this.#buffer.length > this.#maxBuffered) {
      const excess = this.#buffer.length - this.#maxBuffered;
      this.#buffer.splice(0, excess);
      this.#drop(excess, "invocation record buffer full");
    }
    if (this.#buffer.length >= this.#batchSize) {
      void this.flush();
    } else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => void this.flush(), this.#flushIntervalMs);
      // A pending write must not keep a finished process alive; close() flushes what is left.
      this.#timer.unref();
    }
  }

  /** Writes everything buffered so far; resolves once it is stored (or dropped). Never rejects. */
  flush(): Promise<void> {
    this.#clearTimer();
    this.#writing = this.#writing.then(() => this.#writeBuffered());
    return this.#writing;
  }

  /** Writes what is left and accepts no more records. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  async #writeBuffered(): Promise<void> {
    while (this.#buffer.length > 0) {
      const batch = this.#buffer.splice(0, this.#batchSize);
      try {
        await this.#repository.insertMany(batch);
        this.#written += batch.length;
        this.#writtenSincePrune += batch.length;
      } catch (err) {
        this.#drop(batch.length, "could not write invocation records", err);
      }
    }
    if (this.#writtenSincePrune >= this.#pruneEvery) {
      this.#writtenSincePrune = 0;
      try {
        await this.#repository.prune(this.#retention);
      } catch (err) {
        this.#logger.error({ err }, "could not prune invocation records");
      }
    }
  }

  #drop(count: number, message: string, err?: unknown): void {
    this.#dropped += count;
    this.#logger.error({ err, count, droppedTotal: this.#dropped }, message);
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }
}
