import { describe, expect, it } from "vitest";
import { decodeAwsChunked, EMPTY_SHA256 } from "./aws-chunked.js";
import { S3Error } from "./s3-error.js";

const text = (s: string) => new TextEncoder().encode(s);

/** Splits `bytes` into pieces of `size` bytes, as a network might deliver them. */
async function* pieces(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.byteLength; i += size) yield bytes.subarray(i, i + size);
}

async function decode(body: string, size: number, options = {}): Promise<string> {
  let out = "";
  for await (const piece of decodeAwsChunked(pieces(text(body), size), options))
    out += new TextDecoder().decode(piece);
  return out;
}

async function failure(body: string, options = {}): Promise<S3Error> {
  const error = await decode(body, 3, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(S3Error);
  return error as S3Error;
}

const BODY = "6\r\nhello \r\n5\r\nworld\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n";

describe("decodeAwsChunked", () => {
  it("yields the data whatever the network boundaries, and hands over the trailers", async () => {
    for (const size of [1, 2, 3, 7, 1000]) {
      const trailers: Array<[string, string]> = [];
      const data = await decode(BODY, size, {
        onTrailers: async (t: Array<[string, string]>) => void trailers.push(...t),
      });
      expect(data).toBe("hello world");
      expect(trailers).toEqual([["x-amz-checksum-crc32", "DUoRhQ=="]]);
    }
  });

  it("passes each chunk's hash and signature to the verifier, the final empty chunk included", async () => {
    const seen: Array<[string, string | undefined]> = [];
    const verifyChunk = async (sha256: string, signature: string | undefined) =>
      void seen.push([sha256, signature]);
    await decode("2;chunk-signature=aa\r\nhi\r\n0;chunk-signature=bb\r\n\r\n", 4, { verifyChunk });
    expect(seen).toEqual([
      ["8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4", "aa"],
      [EMPTY_SHA256, "bb"],
    ]);
  });

  it("accepts a body that ends after the last trailer without the closing empty line", async () => {
    expect(await decode("1\r\nx\r\n0\r\nx-amz-checksum-crc32:AA==\r\n", 5)).toBe("x");
    expect(await decode("1\r\nx\r\n0\r\n", 5)).toBe("x");
  });

  it("refuses truncated and malformed bodies", async () => {
    expect((await failure("a\r\nhello")).code).toBe("IncompleteBody");
    expect((await failure("5\r\nhello")).code).toBe("IncompleteBody");
    expect((await failure("")).code).toBe("IncompleteBody");
    expect((await failure("zz\r\nhello\r\n0\r\n\r\n")).code).toBe("InvalidRequest");
    expect((await failure("2\r\nhiXX0\r\n\r\n")).code).toBe("InvalidRequest");
    expect((await failure(`${"1".repeat(5000)}`)).code).toBe("InvalidRequest");
    expect((await failure("1\r\nx\r\n0\r\n\r\nextra")).code).toBe("InvalidRequest");
  });

  it("stops reading its source when the consumer stops", async () => {
    let returned = false;
    const source: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => {
        const inner = pieces(text("5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n"), 4);
        return {
          next: () => inner.next(),
          return: async () => {
            returned = true;
            return { done: true, value: undefined };
          },
        };
      },
    };
    for await (const _ of decodeAwsChunked(source)) break;
    expect(returned).toBe(true);
  });
});
