// CryptoKey (Web Cryptography API): the opaque key handle. Key material stays in a private field that only the
// prelude's algorithms can read; tenant code sees type, extractable, algorithm and usages.

export type KeyType = "secret" | "public" | "private";
export type KeyUsage =
  | "encrypt"
  | "decrypt"
  | "sign"
  | "verify"
  | "deriveKey"
  | "deriveBits"
  | "wrapKey"
  | "unwrapKey";

export const KEY_USAGES: readonly KeyUsage[] = [
  "encrypt",
  "decrypt",
  "sign",
  "verify",
  "deriveKey",
  "deriveBits",
  "wrapKey",
  "unwrapKey",
];

/** What an algorithm keeps for a key: raw secret bytes, or curve points and scalars. */
export type KeyMaterial =
  | { kind: "secret"; bytes: Uint8Array }
  | { kind: "ec"; curve: string; publicKey: Uint8Array; privateKey?: Uint8Array }
  | { kind: "okp"; curve: string; publicKey: Uint8Array; privateKey?: Uint8Array };

export type KeyAlgorithm = { name: string } & Record<string, unknown>;

interface KeyInit {
  type: KeyType;
  extractable: boolean;
  algorithm: KeyAlgorithm;
  usages: readonly KeyUsage[];
  material: KeyMaterial;
}

/** Creates a key (CryptoKey has no public constructor). */
export let createKey: (init: KeyInit) => CryptoKey;
/** The key material of `key`, for the algorithms. */
export let keyMaterial: (key: CryptoKey) => KeyMaterial;
/** Whether `key` may be used for `usage`, from its internal slot (not the array tenant code can change). */
export let hasUsage: (key: CryptoKey, usage: KeyUsage) => boolean;
let constructing: KeyInit | null = null;

function freezeDeep<T>(value: T): T {
  if (typeof value === "object" && value !== null && !ArrayBuffer.isView(value)) {
    for (const member of Object.values(value)) freezeDeep(member);
    Object.freeze(value);
  }
  return value;
}

export class CryptoKey {
  readonly #type: KeyType;
  readonly #extractable: boolean;
  readonly #algorithm: KeyAlgorithm;
  readonly #usages: readonly KeyUsage[];
  /** The array tenant code sees (the standard's [[usages_cached]]); changing it changes nothing. */
  readonly #usagesCached: KeyUsage[];
  readonly #material: KeyMaterial;

  constructor() {
    const init = constructing;
    constructing = null;
    if (init === null) throw new TypeError("Illegal constructor");
    this.#type = init.type;
    this.#extractable = init.extractable;
    this.#algorithm = freezeDeep({ ...init.algorithm });
    // The standard keeps usages in its own fixed order, without duplicates.
    this.#usages = Object.freeze(KEY_USAGES.filter((usage) => init.usages.includes(usage)));
    this.#usagesCached = [...this.#usages];
    this.#material = init.material;
  }

  static {
    createKey = (init) => {
      constructing = init;
      return new CryptoKey();
    };
    keyMaterial = (key) => key.#material;
    hasUsage = (key, usage) => key.#usages.includes(usage);
  }

  get type(): KeyType {
    return this.#type;
  }

  get extractable(): boolean {
    return this.#extractable;
  }

  get algorithm(): KeyAlgorithm {
    return this.#algorithm;
  }

  get usages(): KeyUsage[] {
    return this.#usagesCached;
  }

  get [Symbol.toStringTag](): string {
    return "CryptoKey";
  }
}
