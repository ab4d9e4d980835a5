import { describe, expect, it } from "vitest";
import { SecretCipher } from "./secret-cipher.js";

const key = Buffer.alloc(32, 1);
const owner = { functionId: 7, name: "TOKEN" };

describe("SecretCipher", () => {
  it("opens what it sealed, and the ciphertext does not hold the value", () => {
    const cipher = new SecretCipher(key);
    const sealed = cipher.seal("hunter2-ünï", owner);
    expect(sealed.iv).toHaveLength(12);
    expect(sealed.tag).toHaveLength(16);
    expect(sealed.ciphertext.toString("utf8")).not.toContain("hunter2");
    expect(cipher.open(sealed, owner)).toBe("hunter2-ünï");
  });

  it("uses a new IV for every seal, so equal values give different ciphertexts", () => {
    const cipher = new SecretCipher(key);
    const a = cipher.seal("same", owner);
    const b = cipher.seal("same", owner);
    expect(a.iv.equals(b.iv)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
  });

  it.each([
    ["another function", { functionId: 8, name: "TOKEN" }],
    ["another name", { functionId: 7, name: "OTHER" }],
  ])("refuses a ciphertext moved to %s", (_, elsewhere) => {
    const cipher = new SecretCipher(key);
    const sealed = cipher.seal("value", owner);
    expect(() => cipher.open(sealed, elsewhere)).toThrow(/failed its integrity check/);
  });

  it("refuses an altered ciphertext or tag", () => {
    const cipher = new SecretCipher(key);
    const sealed = cipher.seal("value", owner);
    const flipped = Buffer.from(sealed.ciphertext);
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(() => cipher.open({ ...sealed, ciphertext: flipped }, owner)).toThrow(/integrity/);
    expect(() => cipher.open({ ...sealed, tag: Buffer.alloc(16) }, owner)).toThrow(/integrity/);
    expect(() => cipher.open({ ...sealed, tag: sealed.tag.subarray(0, 4) }, owner)).toThrow(/integrity/);
  });

  it("names a different master key as such, with both key ids and no value", () => {
    const sealed = new SecretCipher(key).seal("the-value", owner);
    const other = new SecretCipher(Buffer.alloc(32, 2));
    expect(other.keyId).not.toBe(sealed.keyId);
    let message = "";
    try {
      other.open(sealed, owner);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("another master key");
    expect(message).toContain(sealed.keyId);
    expect(message).toContain(other.keyId);
    expect(message).not.toContain("the-value");
  });

  it("derives a stable key id that does not reveal the key", () => {
    const a = new SecretCipher(key);
    expect(a.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(new SecretCipher(Buffer.alloc(32, 1)).keyId).toBe(a.keyId);
    expect(key.toString("hex")).not.toContain(a.keyId);
  });

  it("refuses a key that is not 32 bytes", () => {
    expect(() => new SecretCipher(Buffer.alloc(16))).toThrow(/32 bytes/);
  });
});
