// SHA-256 digests of the bearer keys that recently authenticated, so that a busy client does not hash its key on
// every request. Only the digest is remembered, never who the key belongs to: every request still asks the key
// lookup (cache or storage), so a revoked key is refused exactly as before.
import { hash } from "node:crypto";

/** A key's digest, and its hex (the form tenant keys are stored and looked up by). */
export interface KeyDigest {
  bytes: Buffer;
  hex: string;
}

/** Keys remembered at most; past it the oldest goes first. */
const MAX_KEYS = 1_000;

export class KeyDigests {
  readonly #maxKeys: number;
  readonly #known = new Map<string, KeyDigest>();

  constructor(maxKeys = MAX_KEYS) {
    this.#maxKeys = maxKeys;
  }

  /** The key's digest: remembered if the key authenticated lately, computed otherwise (and not remembered). */
  of(key: string): KeyDigest {
    const known = this.#known.get(key);
    if (known !== undefined) return known;
    // The one-shot form: no Hash object per request (a third of the cost for a key-sized input).
    const bytes = hash("sha256", key, "buffer");
    return { bytes, hex: bytes.toString("hex") };
  }

  /**
   * The key authenticated: remember its digest. Only such keys are kept, so a flood of made-up keys can
   * neither fill the memory nor push out the keys of real clients.
   */
  keep(key: string, digest: KeyDigest): void {
    if (this.#known.has(key)) return;
    if (this.#known.size >= this.#maxKeys) {
      const oldest = this.#known.keys().next().value;
      if (oldest !== undefined) this.#known.delete(oldest);
    }
    this.#known.set(key, digest);
  }
}
