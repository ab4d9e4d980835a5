// TextEncoder / TextDecoder (Encoding standard), atob / btoa (HTML) and structuredClone.
import { bytes, deepEqual, equal, throws } from "./assert.js";

export default {
  "TextEncoder encodes UTF-8 and replaces lone surrogates": () => {
    const encoder = new TextEncoder();
    equal(encoder.encoding, "utf-8");
    deepEqual([...encoder.encode("a€😀")], [97, 226, 130, 172, 240, 159, 152, 128]);
    deepEqual([...encoder.encode("a\uD800b")], [97, 239, 191, 189, 98]);
  },
  "TextEncoder.encodeInto stops before a character that does not fit": () => {
    const out = new Uint8Array(4);
    deepEqual(new TextEncoder().encodeInto("a€b", out), { read: 2, written: 4 });
    const small = new Uint8Array(2);
    deepEqual(new TextEncoder().encodeInto("a€", small), { read: 1, written: 1 });
  },
  "TextDecoder decodes UTF-8, strips the BOM and replaces invalid bytes": () => {
    const decoder = new TextDecoder();
    equal(decoder.encoding, "utf-8");
    equal(decoder.decode(bytes(0xef, 0xbb, 0xbf, 0x68, 0x69)), "hi");
    equal(decoder.decode(bytes(0x61, 0xff, 0x62, 0xe2, 0x82)), "a\uFFFDb\uFFFD");
    equal(new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes(0xef, 0xbb, 0xbf)), "\uFEFF");
  },
  "TextDecoder in fatal mode throws a TypeError": () => {
    throws(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes(0xc3)), "TypeError");
  },
  "TextDecoder streams multi-byte characters split across chunks": () => {
    const decoder = new TextDecoder();
    const euro = bytes(0xe2, 0x82, 0xac);
    equal(decoder.decode(euro.subarray(0, 1), { stream: true }) + decoder.decode(euro.subarray(1)), "€");
  },
  "TextDecoder knows the utf-16le and windows-1252 labels": () => {
    equal(new TextDecoder("utf-16le").decode(bytes(0x68, 0, 0x69, 0)), "hi");
    const latin1 = new TextDecoder("latin1");
    equal(latin1.encoding, "windows-1252");
    equal(latin1.decode(bytes(0x80, 0xe9)), "€é");
  },
  "TextDecoder decodes legacy encodings such as shift_jis": () => {
    equal(new TextDecoder("shift_jis").decode(bytes(0x82, 0xa0)), "あ");
  },
  "TextDecoder rejects an unknown label with a RangeError": () => {
    throws(() => new TextDecoder("no-such-encoding"), "RangeError");
  },
  "atob and btoa round-trip Latin-1 and reject what they must": () => {
    equal(btoa("hello\xff"), "aGVsbG//");
    equal(atob(" aGVs bG// "), "hello\xff");
    throws(() => btoa("€"), "InvalidCharacterError");
    throws(() => atob("a"), "InvalidCharacterError");
  },
  "structuredClone copies dates, maps, sets, typed arrays and cycles": () => {
    const source = { d: new Date(5), m: new Map([[1, { x: 1 }]]), s: new Set([2]), b: bytes(1, 2), r: /x/gi };
    source.self = source;
    const copy = structuredClone(source);
    equal(copy.d.getTime(), 5);
    equal(copy.m.get(1).x, 1);
    equal(copy.s.has(2), true);
    deepEqual([...copy.b], [1, 2]);
    equal(copy.r.flags, "gi");
    equal(copy.self, copy);
  },
  "structuredClone refuses functions with a DataCloneError": () => {
    throws(() => structuredClone({ f() {} }), "DataCloneError");
  },
};
