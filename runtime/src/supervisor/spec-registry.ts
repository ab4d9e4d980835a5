// Which version specs each runtime worker holds, so that an invoke carries a spec's number instead of the whole
// spec (config, vars, secrets, bindings) once the worker has it: the spec crosses the IPC link once per worker.
import type { VersionSpec } from "../types.js";

/** What an invoke message says about its version: the spec's number, and the spec itself when the worker lacks it. */
export interface SpecReference {
  specId: number;
  version?: VersionSpec;
}

/**
 * Numbers each distinct spec object. Specs are replaced, never changed in place (the routing table makes a new
 * object when secrets or the code-generation policy change), so an object's number names one exact content.
 * Weak maps on both keys: a spec nobody routes to any more, or a dead worker, takes its entries with it.
 *
 * @example
 * const ref = registry.reference(version, worker); // { specId: 7, version } the first time, then { specId: 7 }
 */
export class SpecRegistry<Worker extends object> {
  #next = 1;
  readonly #specs = new WeakMap<VersionSpec, { id: number; holders: WeakSet<Worker> }>();

  reference(version: VersionSpec, worker: Worker): SpecReference {
    let entry = this.#specs.get(version);
    if (entry === undefined) {
      entry = { id: this.#next++, holders: new WeakSet() };
      this.#specs.set(version, entry);
    }
    if (entry.holders.has(worker)) return { specId: entry.id };
    entry.holders.add(worker);
    return { specId: entry.id, version };
  }

  /** The worker dropped the spec (it asked again): the next reference carries it. */
  forget(version: VersionSpec, worker: Worker): void {
    this.#specs.get(version)?.holders.delete(worker);
  }
}
