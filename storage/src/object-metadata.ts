// S3 user metadata (`x-amz-meta-*`): lowercase names, string values, at most 2 KB in all.
import { SkiffError } from "@skiff/core";

/** S3's limit: the UTF-8 bytes of every name and value, summed. */
export const OBJECT_METADATA_BYTES = 2048;

const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

/** The metadata in stored form (names lowercased). Throws `INVALID_REQUEST` (S3's MetadataTooLarge when too big). */
export function normalizeObjectMetadata(
  metadata: Record<string, string> | undefined,
): Record<string, string> {
  if (metadata === undefined) return {};
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) {
    throw new SkiffError("INVALID_REQUEST", "object metadata must be an object of strings");
  }
  // A Map, then fromEntries: a name like "__proto__" becomes an own property, not the object's prototype.
  const entries = new Map<string, string>();
  let bytes = 0;
  for (const [name, value] of Object.entries(metadata)) {
    if (name === "" || typeof value !== "string") {
      throw new SkiffError("INVALID_REQUEST", "object metadata names are non-empty and values are strings");
    }
    const lower = name.toLowerCase();
    // Names travel back as `x-amz-meta-<name>` headers: only HTTP token characters can.
    if (!TOKEN.test(lower)) {
      throw new SkiffError(
        "INVALID_REQUEST",
        `object metadata name ${JSON.stringify(name)} may only hold letters, digits and !#$%&'*+.^_\`|~-`,
        { details: { s3: "InvalidArgument" } },
      );
    }
    entries.set(lower, value);
    bytes += Buffer.byteLength(lower, "utf8") + Buffer.byteLength(value, "utf8");
  }
  if (bytes > OBJECT_METADATA_BYTES) {
    throw new SkiffError(
      "INVALID_REQUEST",
      `object metadata is ${bytes} bytes; the limit is ${OBJECT_METADATA_BYTES} (names and values, UTF-8)`,
      { details: { s3: "MetadataTooLarge" } },
    );
  }
  return Object.fromEntries(entries);
}
