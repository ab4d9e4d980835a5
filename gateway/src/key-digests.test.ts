import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { KeyDigests } from "./key-digests.js";

const sha256 = (key: string) => createHash("sha256").update(key).digest("hex");

describe("KeyDigests", () => {
  it("gives a key's SHA-256, as bytes and hex", () => {
    const digest = new KeyDigests().of("sk_some-key");
    expect(digest.hex).toBe(sha256("sk_some-key"));
    expect(digest.bytes.toString("hex")).toBe(digest.hex);
  });

  it("remembers only the keys it is told to keep", () => {
    const digests = new KeyDigests();
    const first = digests.of("sk_a");
    expect(digests.of("sk_a")).not.toBe(first);
    digests.keep("sk_a", first);
    expect(digests.of("sk_a")).toBe(first);
  });

  it("forgets the oldest key past its bound, and keeps answering right for it", () => {
    const digests = new KeyDigests(2);
    const kept = ["sk_a", "sk_b", "sk_c"].map((key) => {
      const digest = digests.of(key);
      digests.keep(key, digest);
      return digest;
    });
    expect(digests.of("sk_b")).toBe(kept[1]);
    expect(digests.of("sk_c")).toBe(kept[2]);
    expect(digests.of("sk_a")).not.toBe(kept[0]);
    expect(digests.of("sk_a").hex).toBe(sha256("sk_a"));
  });
});
