// A signed request's body as a store should read it: unframed, and checked against everything the client declared.
import { timingSafeEqual } from "node:crypto";
import { decodeAwsChunked } from "./aws-chunked.js";
import {
  checksumDigest,
  checksumValues,
  md5Digest,
  type RunningDigest,
  sha256HexDigest,
} from "./checksums.js";
import { ChunkSignatureChain } from "./chunk-signatures.js";
import { S3Error } from "./s3-error.js";
import { UNSIGNED_PAYLOAD } from "./signature-claim.js";
import type { VerifiedSignature } from "./signature-verifier.js";

interface Check {
  digest: RunningDigest;
  /** Read at the end of the body: trailer values arrive only then. */
  expected: () => string | undefined;
  mismatch: () => S3Error;
}

/**
 * The body's bytes as they arrive. `aws-chunked` framing (streaming payloads) is removed and, when signed, each
 * chunk's signature is verified; the signed SHA-256, `Content-MD5`, `x-amz-checksum-*` headers and trailers and
 * `x-amz-decoded-content-length` are checked after the last byte and before the stream ends, so a store that
 * commits only at the end of its input never keeps a body that fails them.
 */
export function requestBody(request: Request, verified: VerifiedSignature): AsyncIterable<Uint8Array> {
  const { claim } = verified;
  const headers = request.headers;
  const streaming = claim.payloadHash.startsWith("STREAMING-");
  const checks: Check[] = [];

  if (claim.payloadHash !== UNSIGNED_PAYLOAD && !streaming) {
    checks.push({
      digest: sha256HexDigest(),
      expected: () => claim.payloadHash,
      mismatch: () =>
        new S3Error(
          "XAmzContentSHA256Mismatch",
          "The provided 'x-amz-content-sha256' header does not match what was computed.",
        ),
    });
  }
  const md5 = headers.get("content-md5");
  if (md5 !== null) {
    if (Buffer.from(md5, "base64").byteLength !== 16) {
      throw new S3Error("InvalidDigest", "The Content-MD5 you specified was invalid.");
    }
    checks.push({
      digest: md5Digest(),
      expected: () => md5,
      mismatch: () =>
        new S3Error("BadDigest", "The Content-MD5 you specified did not match what we received."),
    });
  }
  for (const [algorithm, value] of checksumValues(headers.entries())) {
    const digest = checksumDigest(algorithm);
    if (digest !== undefined)
      checks.push({ digest, expected: () => value, mismatch: () => badChecksum(algorithm) });
  }

  let trailers: Array<[string, string]> = [];
  if (streaming) {
    for (const name of (headers.get("x-amz-trailer") ?? "").split(",")) {
      const [algorithm] = checksumValues([[name.trim(), ""]])[0] ?? [];
      const digest = algorithm === undefined ? undefined : checksumDigest(algorithm);
      if (algorithm === undefined || digest === undefined) continue;
      checks.push({
        digest,
        expected: () => trailers.find(([trailer]) => trailer === `x-amz-checksum-${algorithm}`)?.[1],
        mismatch: () => badChecksum(algorithm),
      });
    }
  }

  const source = bodyChunks(request);
  const chain = claim.payloadHash.startsWith("STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
    ? new ChunkSignatureChain(verified)
    : undefined;
  const data = streaming
    ? decodeAwsChunked(source, {
        ...(chain === undefined
          ? {}
          : { verifyChunk: (sha256, signature) => chain.verifyChunk(sha256, signature) }),
        onTrailers: async (received) => {
          if (claim.payloadHash.endsWith("-TRAILER") && chain !== undefined)
            await chain.verifyTrailer(received);
          trailers = received;
        },
      })
    : source;
  const decodedLength = streaming ? headers.get("x-amz-decoded-content-length") : null;
  return checked(data, checks, decodedLength === null ? undefined : Number(decodedLength));
}

async function* checked(
  data: AsyncIterable<Uint8Array>,
  checks: Check[],
  expectedLength: number | undefined,
): AsyncGenerator<Uint8Array, void, undefined> {
  let length = 0;
  for await (const piece of data) {
    length += piece.byteLength;
    for (const check of checks) check.digest.update(piece);
    yield piece;
  }
  if (expectedLength !== undefined && length !== expectedLength) {
    throw new S3Error(
      "IncompleteBody",
      `You did not provide the number of bytes specified by x-amz-decoded-content-length (${expectedLength}); received ${length}.`,
    );
  }
  for (const check of checks) {
    const expected = check.expected();
    if (expected !== undefined && !sameText(check.digest.result(), expected)) throw check.mismatch();
  }
}

/** The body of a request as chunks; cancelling the iteration (a store refusing it) cancels the stream. */
export async function* bodyChunks(request: Request): AsyncGenerator<Uint8Array, void, undefined> {
  if (request.body === null) return;
  const reader = request.body.getReader();
  let done = false;
  try {
    for (;;) {
      let next: Awaited<ReturnType<typeof reader.read>>;
      try {
        next = await reader.read();
      } catch (cause) {
        throw new S3Error("IncompleteBody", "The request body could not be read to its end.", {}, { cause });
      }
      if (next.done) {
        done = true;
        return;
      }
      yield next.value;
    }
  } finally {
    if (!done) reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

function badChecksum(algorithm: string): S3Error {
  return new S3Error(
    "BadDigest",
    `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`,
  );
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
