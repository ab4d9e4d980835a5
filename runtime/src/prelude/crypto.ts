// The `crypto` global: random values from the host, and `subtle` computed inside the isolate.
import { loadSubtle } from "./lazy.js";
import { getRandomValues, randomUUID } from "./random.js";
import type { SubtleCrypto } from "./subtle/subtle-crypto.js";

const CONSTRUCT = Symbol("Crypto");

export class Crypto {
  constructor(token?: unknown) {
    if (token !== CONSTRUCT) throw new TypeError("Illegal constructor");
  }

  /** Loaded on first use, with its algorithms each loaded on their own first use. */
  get subtle(): SubtleCrypto {
    return loadSubtle().subtle;
  }

  getRandomValues<T>(array: T): T {
    return getRandomValues(array);
  }

  randomUUID(): string {
    return randomUUID();
  }

  get [Symbol.toStringTag](): string {
    return "Crypto";
  }
}

export const crypto = Object.freeze(new Crypto(CONSTRUCT));
