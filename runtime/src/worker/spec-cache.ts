// The version specs a runtime worker was sent, by the supervisor's spec number: invokes after the first carry
// only the number. Bounded by count (least recently used out); a miss makes the worker ask again (`need-code`).
import type { VersionSpec } from "../types.js";

export class SpecCache {
  readonly #max: number;
  readonly #entries = new Map<number, VersionSpec>();

  constructor(max = 1000) {
    this.#max = max;
  }

  get(specId: number): VersionSpec | undefined {
    const spec = this.#entries.get(specId);
    if (spec !== undefined) {
      this.#entries.delete(specId);
      this.#entries.set(specId, spec);
    }
    return spec;
  }

  set(specId: number, spec: VersionSpec): void {
    this.#entries.delete(specId);
    this.#entries.set(specId, spec);
    for (const key of this.#entries.keys()) {
      if (this.#entries.size <= this.#max) break;
      this.#entries.delete(key);
    }
  }

  /** Drops every spec of a version (it was undeployed: its secrets need not stay in this process). */
  deleteVersion(versionId: string): void {
    for (const [key, spec] of this.#entries) if (spec.id === versionId) this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }
}
