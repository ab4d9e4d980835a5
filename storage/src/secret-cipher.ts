// AES-256-GCM sealing of secret values under the master key; the AAD ties a ciphertext to one function and name.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
import { SkiffError } from "@skiff/core";

export interface SealedSecret {
  ciphertext: Buffer;
  /** 12 random bytes, new for every encryption: GCM must never reuse one under a key. */
  iv: Buffer;
  /** 16-byte authentication tag. */
  tag: Buffer;
  keyId: string;
}

/** Where a secret lives: the function's id (never reused) and the secret's name. */
export interface SecretOwner {
  functionId: number;
  name: string;
}

/**
 * Seals and opens secret values. The function id and name are authenticated data, so a ciphertext copied to
 * another row (another function, another name) fails to open instead of revealing its value there.
 *
 * @example
 * const cipher = new SecretCipher(await loadMasterKey(dataDir));
 * const sealed = cipher.seal("s3cret", { functionId: 7, name: "API_KEY" });
 * cipher.open(sealed, { functionId: 7, name: "API_KEY" }); // "s3cret"
 */
export class SecretCipher {
  /** Names the key without revealing it: an HMAC of a constant, shortened. */
  readonly keyId: string;
  readonly #key: Buffer;

  constructor(key: Uint8Array) {
    if (key.byteLength !== 32) throw new SkiffError("INTERNAL_ERROR", "the master key must be 32 bytes");
    this.#key = Buffer.from(key);
    this.keyId = createHmac("sha256", this.#key).update("skiff master key id").digest("hex").slice(0, 16);
  }

  seal(value: string, owner: SecretOwner): SealedSecret {
    return this.sealWith(value, aad(owner));
  }

  /** Throws INTERNAL_ERROR if the key differs or the row was altered or moved; the message names no value. */
  open(sealed: SealedSecret, owner: SecretOwner): string {
    return this.openWith(sealed, aad(owner), `secret ${owner.name}`);
  }

  /**
   * Seals a value that is not a function secret (an S3 secret access key) under its own authenticated data.
   * `binding` must start with a purpose tag other than `skiff-secret-v1`, so no ciphertext opens in the other
   * table, and name the row (e.g. `skiff-s3-credential-v1\0<tenant id>\0<access key id>`).
   */
  sealBound(value: string, binding: string): SealedSecret {
    return this.sealWith(value, Buffer.from(binding, "utf8"));
  }

  /** Opens what `sealBound` sealed with the same `binding`; `what` names it in errors. */
  openBound(sealed: SealedSecret, binding: string, what: string): string {
    return this.openWith(sealed, Buffer.from(binding, "utf8"), what);
  }

  private sealWith(value: string, additionalData: Buffer): SealedSecret {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.#key, iv, { authTagLength: 16 });
    cipher.setAAD(additionalData);
    const ciphertext = Buffer.concat([cipher.update(value, "utf8"), cipher.final()]);
    return { ciphertext, iv, tag: cipher.getAuthTag(), keyId: this.keyId };
  }

  private openWith(sealed: SealedSecret, additionalData: Buffer, what: string): string {
    if (sealed.keyId !== this.keyId) {
      throw new SkiffError(
        "INTERNAL_ERROR",
        `${what} was sealed with another master key (key id ${sealed.keyId}, this one is ${this.keyId}): ` +
          "start Skiff with the SKIFF_MASTER_KEY or master.key used when it was stored",
      );
    }
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.#key, sealed.iv, { authTagLength: 16 });
      decipher.setAAD(additionalData);
      decipher.setAuthTag(sealed.tag);
      return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString("utf8");
    } catch (error) {
      throw new SkiffError(
        "INTERNAL_ERROR",
        `${what} failed its integrity check: the stored row was altered or copied from elsewhere`,
        { cause: error },
      );
    }
  }
}

function aad(owner: SecretOwner): Buffer {
  return Buffer.from(`skiff-secret-v1\0${owner.functionId}\0${owner.name}`, "utf8");
}
