// TextEncoder / TextDecoder per the Encoding standard: UTF-8 (with `stream`, `fatal`, `ignoreBOM` and
// `encodeInto`), UTF-16LE/BE and windows-1252 (the "latin1" label). V8 alone has none of them, and the small
// polyfills get lone surrogates, streaming and the BOM wrong. Installed as globals here, before whatwg-url,
// which needs them while it loads.
import "./self.js";
import { defineGlobal } from "./lazy.js";

const REPLACEMENT = 0xfffd;
const CHUNK = 8192;
/** ASCII runs at least this long are decoded straight from the bytes (see `#utf8`). */
const ASCII_RUN_MIN = 32;

/** windows-1252 bytes 0x80–0x9F; every other byte maps to the code point of the same value. */
const WINDOWS_1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d,
  0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a,
  0x153, 0x9d, 0x17e, 0x178,
];

type EncodingName = "utf-8" | "utf-16le" | "utf-16be" | "windows-1252";

const LABELS: Record<string, EncodingName> = {};
for (const [name, labels] of [
  ["utf-8", "unicode-1-1-utf-8 unicode11utf8 unicode20utf8 utf-8 utf8 x-unicode20utf8"],
  ["utf-16le", "csunicode iso-10646-ucs-2 ucs-2 unicode unicodefeff utf-16 utf-16le"],
  ["utf-16be", "unicodefffe utf-16be"],
  [
    "windows-1252",
    "ansi_x3.4-1968 ascii cp1252 cp819 csisolatin1 ibm819 iso-8859-1 iso-ir-100 iso8859-1 iso88591 " +
      "iso_8859-1 iso_8859-1:1987 l1 latin1 us-ascii windows-1252 x-cp1252",
  ],
] as const) {
  for (const label of labels.split(" ")) LABELS[label] = name;
}

function toBytes(input: unknown): Uint8Array {
  if (input === undefined) return new Uint8Array(0);
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (typeof SharedArrayBuffer === "function" && input instanceof SharedArrayBuffer) {
    return new Uint8Array(input);
  }
  throw new TypeError("TextDecoder.decode: the input must be an ArrayBuffer or an ArrayBufferView");
}

// Taken before tenant code runs, so that a tenant replacing `String.fromCharCode` or `Function.prototype.apply`
// does not change what the prelude's decoders (body.text(), multipart, Lambda events) produce.
const fromCharCode = String.fromCharCode;
const reflectApply = Reflect.apply;

/** Joins UTF-16 code units without exceeding the engine's argument limit. */
function fromCodeUnits(units: number[] | Uint16Array, length: number): string {
  let out = "";
  for (let i = 0; i < length; i += CHUNK) {
    out += reflectApply(
      fromCharCode,
      null,
      (units as number[]).slice(i, Math.min(i + CHUNK, length)) as unknown as number[],
    );
  }
  return out;
}

/**
 * The text of `bytes[start..end)`, all below 0x80: a typed array view goes to `String.fromCharCode` as is, a
 * chunk at a time: ≈ 1.5× faster in an isolate than collecting the code units one by one first.
 */
function fromAscii(bytes: Uint8Array, start: number, end: number): string {
  let out = "";
  for (let i = start; i < end; i += CHUNK) {
    const view = new Uint8Array(bytes.buffer, bytes.byteOffset + i, Math.min(CHUNK, end - i));
    out += reflectApply(fromCharCode, null, view as unknown as number[]);
  }
  return out;
}

export class TextEncoder {
  get encoding(): "utf-8" {
    return "utf-8";
  }

  encode(input: unknown = ""): Uint8Array {
    const text = String(input);
    // Most text is ASCII: one byte per code unit, written straight into an array of the final length.
    const length = text.length;
    const ascii = new Uint8Array(length);
    let i = 0;
    for (; i < length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x80) break;
      ascii[i] = code;
    }
    if (i === length) return ascii;
    const out = new Uint8Array(i + (length - i) * 3);
    out.set(ascii.subarray(0, i));
    return out.slice(0, encodeInto(text, out, i).written);
  }

  encodeInto(source: unknown, destination: Uint8Array): { read: number; written: number } {
    if (!(destination instanceof Uint8Array)) {
      throw new TypeError("TextEncoder.encodeInto: the destination must be a Uint8Array");
    }
    return encodeInto(String(source), destination);
  }

  get [Symbol.toStringTag](): string {
    return "TextEncoder";
  }
}

/**
 * UTF-8 encodes as much of `text` as fits; lone surrogates become U+FFFD. `from` code units of ASCII were
 * already written as as many bytes.
 */
function encodeInto(text: string, out: Uint8Array, from = 0): { read: number; written: number } {
  let read = from;
  let written = from;
  const capacity = out.length;
  while (read < text.length) {
    let code = text.charCodeAt(read);
    let units = 1;
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = read + 1 < text.length ? text.charCodeAt(read + 1) : 0;
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        units = 2;
      } else {
        code = REPLACEMENT;
      }
    }
    if (code < 0x80) {
      if (written + 1 > capacity) break;
      out[written++] = code;
    } else if (code < 0x800) {
      if (written + 2 > capacity) break;
      out[written++] = 0xc0 | (code >> 6);
      out[written++] = 0x80 | (code & 0x3f);
    } else if (code < 0x10000) {
      if (written + 3 > capacity) break;
      out[written++] = 0xe0 | (code >> 12);
      out[written++] = 0x80 | ((code >> 6) & 0x3f);
      out[written++] = 0x80 | (code & 0x3f);
    } else {
      if (written + 4 > capacity) break;
      out[written++] = 0xf0 | (code >> 18);
      out[written++] = 0x80 | ((code >> 12) & 0x3f);
      out[written++] = 0x80 | ((code >> 6) & 0x3f);
      out[written++] = 0x80 | (code & 0x3f);
    }
    read += units;
  }
  return { read, written };
}

export interface TextDecoderOptions {
  fatal?: boolean;
  ignoreBOM?: boolean;
}

export class TextDecoder {
  readonly #encoding: EncodingName;
  readonly #fatal: boolean;
  readonly #ignoreBOM: boolean;
  /** Bytes of an incomplete sequence held over from a `stream: true` call. */
  #pending: number[] = [];
  #bomSeen = false;

  constructor(label: unknown = "utf-8", options: TextDecoderOptions = {}) {
    const encoding = LABELS[String(label).trim().toLowerCase()];
    if (encoding === undefined) throw new RangeError(`TextDecoder: the encoding "${label}" is not supported`);
    this.#encoding = encoding;
    this.#fatal = Boolean(options?.fatal);
    this.#ignoreBOM = Boolean(options?.ignoreBOM);
  }

  get encoding(): string {
    return this.#encoding;
  }

  get fatal(): boolean {
    return this.#fatal;
  }

  get ignoreBOM(): boolean {
    return this.#ignoreBOM;
  }

  decode(input?: unknown, options: { stream?: boolean } = {}): string {
    let bytes = toBytes(input);
    const stream = Boolean(options?.stream);
    if (this.#pending.length > 0) {
      const joined = new Uint8Array(this.#pending.length + bytes.length);
      joined.set(this.#pending);
      joined.set(bytes, this.#pending.length);
      bytes = joined;
      this.#pending = [];
    }
    let text: string;
    let consumed: number;
    if (this.#encoding === "utf-8") ({ text, consumed } = this.#utf8(bytes, stream));
    else if (this.#encoding === "windows-1252") ({ text, consumed } = windows1252(bytes));
    else ({ text, consumed } = this.#utf16(bytes, stream, this.#encoding === "utf-16le"));
    for (let i = consumed; i < bytes.length; i++) this.#pending.push(bytes[i] as number);
    if (!this.#ignoreBOM && !this.#bomSeen && text.length > 0) {
      this.#bomSeen = true;
      if (text.charCodeAt(0) === 0xfeff && this.#encoding !== "windows-1252") text = text.slice(1);
    }
    if (!stream) {
      this.#bomSeen = false;
      this.#pending = [];
    }
    return text;
  }

  #fail(): number {
    if (this.#fatal) throw new TypeError("TextDecoder: the encoded data is not valid");
    return REPLACEMENT;
  }

  /** The Encoding standard's UTF-8 decoder; stops before an incomplete final sequence when streaming. */
  #utf8(bytes: Uint8Array, stream: boolean): { text: string; consumed: number } {
    const units: number[] = [];
    let text = "";
    let i = 0;
    const n = bytes.length;
    while (i < n) {
      const lead = bytes[i] as number;
      if (lead < 0x80) {
        // A long run of ASCII bytes is turned into text in one go; a short one (between non-ASCII characters)
        // joins the pending code units, as flushing them for a few bytes would cost more than it saves.
        const start = i;
        const pending = units.length;
        while (i < n && (bytes[i] as number) < 0x80 && i - start < ASCII_RUN_MIN)
          units.push(bytes[i++] as number);
        if (i - start === ASCII_RUN_MIN) {
          units.length = pending;
          while (i < n && (bytes[i] as number) < 0x80) i++;
          if (pending > 0) {
            text += fromCodeUnits(units, pending);
            units.length = 0;
          }
          text += fromAscii(bytes, start, i);
        }
      } else {
        let needed = 0;
        let code = 0;
        let lower = 0x80;
        let upper = 0xbf;
        if (lead >= 0xc2 && lead <= 0xdf) {
          needed = 1;
          code = lead & 0x1f;
        } else if (lead >= 0xe0 && lead <= 0xef) {
          if (lead === 0xe0) lower = 0xa0;
          if (lead === 0xed) upper = 0x9f;
          needed = 2;
          code = lead & 0xf;
        } else if (lead >= 0xf0 && lead <= 0xf4) {
          if (lead === 0xf0) lower = 0x90;
          if (lead === 0xf4) upper = 0x8f;
          needed = 3;
          code = lead & 0x7;
        } else {
          units.push(this.#fail());
          i++;
          continue;
        }
        let j = i + 1;
        let valid = true;
        while (j <= i + needed) {
          if (j >= n) {
            if (stream) {
              text += fromCodeUnits(units, units.length);
              return { text, consumed: i };
            }
            valid = false;
            break;
          }
          const byte = bytes[j] as number;
          if (byte < lower || byte > upper) {
            valid = false;
            break;
          }
          lower = 0x80;
          upper = 0xbf;
          code = (code << 6) | (byte & 0x3f);
          j++;
        }
        if (!valid) {
          // The bytes read so far form one error; the offending byte is decoded again on its own.
          units.push(this.#fail());
          i = j;
          continue;
        }
        if (code >= 0x10000) {
          code -= 0x10000;
          units.push(0xd800 + (code >> 10), 0xdc00 + (code & 0x3ff));
        } else {
          units.push(code);
        }
        i = j;
      }
      if (units.length >= CHUNK) {
        text += fromCodeUnits(units, units.length);
        units.length = 0;
      }
    }
    return { text: text + fromCodeUnits(units, units.length), consumed: n };
  }

  #utf16(bytes: Uint8Array, stream: boolean, littleEndian: boolean): { text: string; consumed: number } {
    const even = bytes.length - (bytes.length % 2);
    const units: number[] = [];
    for (let i = 0; i < even; i += 2) {
      const a = bytes[i] as number;
      const b = bytes[i + 1] as number;
      units.push(littleEndian ? a | (b << 8) : (a << 8) | b);
    }
    // Unpaired surrogates become U+FFFD; a high surrogate at the end waits for more input when streaming.
    let consumed = even;
    for (let i = 0; i < units.length; i++) {
      const unit = units[i] as number;
      if (unit >= 0xd800 && unit <= 0xdbff) {
        const next = units[i + 1];
        if (next === undefined) {
          if (stream) {
            units.length = i;
            consumed = i * 2;
            break;
          }
          units[i] = this.#fail();
        } else if (next >= 0xdc00 && next <= 0xdfff) {
          i++;
        } else {
          units[i] = this.#fail();
        }
      } else if (unit >= 0xdc00 && unit <= 0xdfff) {
        units[i] = this.#fail();
      }
    }
    let text = fromCodeUnits(units, units.length);
    if (!stream && even < bytes.length) {
      text += String.fromCharCode(this.#fail());
      consumed = bytes.length;
    }
    return { text, consumed };
  }

  get [Symbol.toStringTag](): string {
    return "TextDecoder";
  }
}

function windows1252(bytes: Uint8Array): { text: string; consumed: number } {
  const units = new Array<number>(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    units[i] = byte >= 0x80 && byte <= 0x9f ? (WINDOWS_1252_HIGH[byte - 0x80] as number) : byte;
  }
  return { text: fromCodeUnits(units, units.length), consumed: bytes.length };
}

defineGlobal("TextEncoder", TextEncoder);
defineGlobal("TextDecoder", TextDecoder);
