// digest(): SHA-1, SHA-256, SHA-384, SHA-512.
import { hashByName } from "./hashes.js";
import type { AlgorithmImpl } from "./types.js";

const digest: AlgorithmImpl = { digest: (params, data) => hashByName(params.name)(data) };

export const algorithms: Record<string, AlgorithmImpl> = {
  "SHA-1": digest,
  "SHA-256": digest,
  "SHA-384": digest,
  "SHA-512": digest,
};
