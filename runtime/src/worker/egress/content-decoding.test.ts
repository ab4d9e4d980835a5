import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { decodableCodings, decodeContent } from "./content-decoding.js";

const text = new TextEncoder().encode("hello, compressed world");

describe("decodableCodings", () => {
  it("lists known codings in the order applied, and gives up on unknown ones", () => {
    expect(decodableCodings(undefined)).toEqual([]);
    expect(decodableCodings("identity")).toEqual([]);
    expect(decodableCodings("GZIP")).toEqual(["gzip"]);
    expect(decodableCodings("deflate, br")).toEqual(["deflate", "br"]);
    expect(decodableCodings("zstd")).toBeUndefined();
    expect(decodableCodings("gzip, compress")).toBeUndefined();
  });
});

describe("decodeContent", () => {
  it("decodes gzip, deflate, br and stacked codings", async () => {
    expect(await decodeContent(gzipSync(text), ["gzip"], 100)).toEqual(text);
    expect(await decodeContent(deflateSync(text), ["deflate"], 100)).toEqual(text);
    expect(await decodeContent(brotliCompressSync(text), ["br"], 100)).toEqual(text);
    expect(await decodeContent(brotliCompressSync(gzipSync(text)), ["gzip", "br"], 100)).toEqual(text);
    expect(await decodeContent(new Uint8Array(0), ["gzip"], 100)).toEqual(new Uint8Array(0));
  });

  it("stops a compressed body that expands past the limit", async () => {
    const bomb = gzipSync(new Uint8Array(10 * 1024 * 1024));
    expect(bomb.byteLength).toBeLessThan(20_000);
    await expect(decodeContent(bomb, ["gzip"], 1024 * 1024)).rejects.toThrow(
      "response body larger than 1048576 bytes once decompressed",
    );
  });

  it("reports a corrupt body", async () => {
    await expect(decodeContent(new Uint8Array([1, 2, 3, 4]), ["gzip"], 100)).rejects.toThrow(
      "could not decode the gzip response body",
    );
  });
});
