// The integrity checks a client may attach to a body: Content-MD5, x-amz-checksum-*, and the signed SHA-256.
import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";

/** A digest computed while the body streams by. */
export interface RunningDigest {
  update(bytes: Uint8Array): void;
  /** The result, in the encoding the client sent it in. */
  result(): string;
}

/** The `x-amz-checksum-<name>` algorithms this server can compute (CRC32C and CRC64NVME are passed unchecked). */
const CHECKSUMS: Record<string, () => RunningDigest> = {
  crc32: () => {
    let value = 0;
    return {
      update: (bytes) => {
        value = crc32(bytes, value);
      },
      result: () => {
        const out = Buffer.alloc(4);
        out.writeUInt32BE(value >>> 0);
        return out.toString("base64");
      },
    };
  },
  sha1: () => hashDigest("sha1", "base64"),
  sha256: () => hashDigest("sha256", "base64"),
};

function hashDigest(algorithm: string, encoding: "hex" | "base64"): RunningDigest {
  const hash = createHash(algorithm);
  return { update: (bytes) => hash.update(bytes), result: () => hash.digest(encoding) };
}

/** One check to run over a body: how to compute it, what the client expects, and how to report a mismatch. */
export interface BodyCheck {
  /** e.g. "CRC32", "Content-MD5", "x-amz-content-sha256". */
  name: string;
  digest: RunningDigest;
  expected: string;
}

/** The running digest for an `x-amz-checksum-<algorithm>` value, or undefined if this server can not compute it. */
export function checksumDigest(algorithm: string): RunningDigest | undefined {
  return CHECKSUMS[algorithm.toLowerCase()]?.();
}

export function md5Digest(): RunningDigest {
  return hashDigest("md5", "base64");
}

export function sha256HexDigest(): RunningDigest {
  return hashDigest("sha256", "hex");
}

/** The `x-amz-checksum-*` headers (or trailers) of a request: algorithm (lowercase) and base64 value. */
export function checksumValues(
  entries: Iterable<[string, string]>,
): Array<[algorithm: string, value: string]> {
  const found: Array<[string, string]> = [];
  for (const [name, value] of entries) {
    const lower = name.toLowerCase();
    if (
      lower.startsWith("x-amz-checksum-") &&
      lower !== "x-amz-checksum-mode" &&
      lower !== "x-amz-checksum-type"
    ) {
      found.push([lower.slice("x-amz-checksum-".length), value]);
    }
  }
  return found;
}
