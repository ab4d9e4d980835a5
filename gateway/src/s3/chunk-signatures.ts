// The signature chain of a signed streaming upload: each chunk (and the trailer) is signed over the one before.
import { createHash, timingSafeEqual } from "node:crypto";
import { EMPTY_SHA256 } from "./aws-chunked.js";
import { signatureMismatch } from "./signature-claim.js";
import type { VerifiedSignature } from "./signature-verifier.js";

/**
 * Verifies `STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]` bodies: the first chunk's signature chains from the
 * request's (seed) signature, every next one from the chunk before, and the trailer from the final chunk.
 */
export class ChunkSignatureChain {
  private previous: string;
  private readonly scope: string;

  constructor(private readonly verified: VerifiedSignature) {
    const { claim } = verified;
    this.previous = claim.signature;
    this.scope = `${claim.scope.date}/${claim.scope.region}/${claim.scope.service}/aws4_request`;
  }

  /** Checks one chunk's `chunk-signature` given the SHA-256 hex of its data; throws SignatureDoesNotMatch. */
  async verifyChunk(sha256: string, signature: string | undefined): Promise<void> {
    await this.verify(["AWS4-HMAC-SHA256-PAYLOAD", EMPTY_SHA256, sha256], signature);
  }

  /** Checks `x-amz-trailer-signature` over the other trailing headers (names lowercase, in order). */
  async verifyTrailer(trailers: ReadonlyArray<[string, string]>): Promise<void> {
    const signature = trailers.find(([name]) => name === "x-amz-trailer-signature")?.[1];
    const canonical = trailers
      .filter(([name]) => name !== "x-amz-trailer-signature")
      .map(([name, value]) => `${name}:${value}\n`)
      .join("");
    await this.verify(
      ["AWS4-HMAC-SHA256-TRAILER", createHash("sha256").update(canonical).digest("hex")],
      signature,
    );
  }

  /** `parts` are the algorithm line followed by what comes after the previous signature. */
  private async verify(parts: string[], signature: string | undefined): Promise<void> {
    const [algorithm, ...rest] = parts;
    const stringToSign = [algorithm, this.verified.claim.amzDate, this.scope, this.previous, ...rest].join(
      "\n",
    );
    const expected = await this.verified.signString(stringToSign);
    const a = Buffer.from(expected);
    const b = Buffer.from(signature ?? "");
    if (a.length !== b.length || !timingSafeEqual(a, b)) throw signatureMismatch();
    this.previous = expected;
  }
}
