// The prelude's TextEncoder / TextDecoder fast paths (whole ASCII runs at once) against Node's own encoder
// and decoder, over random text and bytes: ASCII runs longer than a chunk, non-ASCII, astral characters, lone
// surrogates, invalid UTF-8, `fatal` and `stream`.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxHarness } from "../testing/sandbox-harness.js";

/** A small seeded generator, so a failure can be reproduced. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** UTF-16 code units of a random string: mostly ASCII runs, some of them long, with everything else between. */
function randomUnits(next: () => number): number[] {
  const units: number[] = [];
  const parts = 1 + Math.floor(next() * 8);
  for (let p = 0; p < parts; p++) {
    const kind = next();
    if (kind < 0.5) {
      const run = next() < 0.2 ? 8000 + Math.floor(next() * 10000) : Math.floor(next() * 40);
      for (let i = 0; i < run; i++) units.push(Math.floor(next() * 0x80));
    } else if (kind < 0.7) {
      units.push(0x80 + Math.floor(next() * 0x780), 0x800 + Math.floor(next() * 0xd000));
    } else if (kind < 0.85) {
      const astral = 0x10000 + Math.floor(next() * 0xfffff);
      units.push(0xd800 + ((astral - 0x10000) >> 10), 0xdc00 + ((astral - 0x10000) & 0x3ff));
    } else {
      units.push(next() < 0.5 ? 0xd800 + Math.floor(next() * 0x400) : 0xdc00 + Math.floor(next() * 0x400));
    }
  }
  return units;
}

/** Random bytes: ASCII runs, valid multi-byte sequences, and stray or truncated bytes. */
function randomBytes(next: () => number): number[] {
  const text = String.fromCharCode(...randomUnits(next).slice(0, 3000));
  const bytes = [...Buffer.from(text, "utf8")];
  const errors = Math.floor(next() * 4);
  for (let e = 0; e < errors; e++) {
    bytes.splice(Math.floor(next() * (bytes.length + 1)), 0, 0x80 + Math.floor(next() * 0x80));
  }
  return bytes;
}

const cases = 30;
let harness: SandboxHarness;

beforeAll(async () => {
  harness = await SandboxHarness.load(
    `export const handler = async ({ texts, blobs, splits }) => {
    const encoded = texts.map((units) => {
      let text = "";
      for (let i = 0; i < units.length; i += 4096) text += String.fromCharCode(...units.slice(i, i + 4096));
      return Array.from(new TextEncoder().encode(text));
    });
    const decode = (bytes, options) => {
      try { return { text: new TextDecoder("utf-8", options).decode(new Uint8Array(bytes)) }; }
      catch (error) { return { error: error.name }; }
    };
    const decoded = blobs.map((bytes) => decode(bytes));
    const fatal = blobs.map((bytes) => decode(bytes, { fatal: true }));
    const withBom = blobs.map((bytes) => decode([0xef, 0xbb, 0xbf, ...bytes]));
    const streamed = blobs.map((bytes, i) => {
      const decoder = new TextDecoder();
      const at = splits[i].filter((s) => s <= bytes.length).sort((a, b) => a - b);
      let text = "";
      let from = 0;
      for (const to of [...at, bytes.length]) {
        text += decoder.decode(new Uint8Array(bytes.slice(from, to)), { stream: to !== bytes.length });
        from = to;
      }
      return text;
    });
    const toUnits = (s) => Array.from({ length: s.length }, (_, i) => s.charCodeAt(i));
    return {
      encoded,
      decoded: decoded.map((d) => ({ ...d, text: d.text === undefined ? undefined : toUnits(d.text) })),
      fatal: fatal.map((d) => ({ ...d, text: d.text === undefined ? undefined : toUnits(d.text) })),
      withBom: withBom.map((d) => toUnits(d.text)),
      streamed: streamed.map(toUnits),
    };
  }`,
    {},
    256,
  );
});

afterAll(() => harness?.dispose());

const units = (text: string) => Array.from({ length: text.length }, (_, i) => text.charCodeAt(i));

describe("TextEncoder / TextDecoder fast paths", () => {
  it("encode and decode random text and bytes exactly as Node does", async () => {
    const next = random(9);
    const texts = Array.from({ length: cases }, () => randomUnits(next));
    const blobs = Array.from({ length: cases }, () => randomBytes(next));
    const splits = blobs.map((b) => Array.from({ length: 3 }, () => Math.floor(next() * (b.length + 1))));
    const { result } = await harness.run({ kind: "invoke", payload: { texts, blobs, splits } });
    expect(result.outcome, result.error?.message).toBe("ok");
    const value = result.value as {
      encoded: number[][];
      decoded: Array<{ text?: number[]; error?: string }>;
      fatal: Array<{ text?: number[]; error?: string }>;
      withBom: number[][];
      streamed: number[][];
    };
    texts.forEach((text, i) => {
      // Node replaces lone surrogates with U+FFFD as the Encoding standard does.
      let joined = "";
      for (let at = 0; at < text.length; at += 4096)
        joined += String.fromCharCode(...text.slice(at, at + 4096));
      expect(value.encoded[i]).toEqual([...Buffer.from(joined, "utf8")]);
    });
    blobs.forEach((bytes, i) => {
      const expected = units(new TextDecoder().decode(new Uint8Array(bytes)));
      expect(value.decoded[i]?.text).toEqual(expected);
      expect(value.withBom[i]).toEqual(expected);
      expect(value.streamed[i]).toEqual(expected);
      let fatal: { text?: number[]; error?: string };
      try {
        fatal = { text: units(new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(bytes))) };
      } catch {
        fatal = { error: "TypeError" };
      }
      expect(value.fatal[i]).toEqual(fatal);
    });
  });
});
