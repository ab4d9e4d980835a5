// multipart/form-data (RFC 7578, as the HTML standard encodes it) and application/x-www-form-urlencoded:
// turning a FormData into a body and a body back into a FormData.

import { URLSearchParams } from "whatwg-url";
import { blobBytes, File } from "./blob.js";
import { concatBytes } from "./bytes.js";
import { TextDecoder, TextEncoder } from "./encoding.js";
import { FormData } from "./form-data.js";

const encoder = new TextEncoder();
const CRLF = encoder.encode("\r\n");
const HEADERS_END = encoder.encode("\r\n\r\n");

function normalizeNewlines(text: string): string {
  return text.replace(/\r(?!\n)|(?<!\r)\n/g, "\r\n");
}

/** The HTML standard's escaping of names and filenames inside the Content-Disposition header. */
function escapeQuoted(text: string): string {
  return text.replace(/\n/g, "%0A").replace(/\r/g, "%0D").replace(/"/g, "%22");
}

function randomBoundary(): string {
  let suffix = "";
  for (let i = 0; i < 24; i++) suffix += Math.floor(Math.random() * 16).toString(16);
  return `----SkiffFormBoundary${suffix}`;
}

/** Serializes `form` as multipart/form-data; returns the bytes and the Content-Type naming the boundary. */
export function encodeMultipart(form: FormData): { bytes: Uint8Array; contentType: string } {
  const boundary = randomBoundary();
  const parts: Uint8Array[] = [];
  form.forEach((value, name) => {
    const escapedName = escapeQuoted(normalizeNewlines(name));
    if (typeof value === "string") {
      parts.push(
        encoder.encode(
          `--${boundary}\r\nContent-Disposition: form-data; name="${escapedName}"\r\n\r\n` +
            `${normalizeNewlines(value)}\r\n`,
        ),
      );
    } else {
      const type = value.type === "" ? "application/octet-stream" : value.type;
      parts.push(
        encoder.encode(
          `--${boundary}\r\nContent-Disposition: form-data; name="${escapedName}"; ` +
            `filename="${escapeQuoted(value.name)}"\r\nContent-Type: ${type}\r\n\r\n`,
        ),
        blobBytes(value),
        CRLF,
      );
    }
  });
  parts.push(encoder.encode(`--${boundary}--\r\n`));
  return { bytes: concatBytes(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

function indexOfBytes(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0] as number;
  const last = haystack.length - needle.length;
  for (let i = haystack.indexOf(first, from); i !== -1 && i <= last; i = haystack.indexOf(first, i + 1)) {
    let match = true;
    for (let j = 1; j < needle.length; j++) {
      if (haystack[i + j] !== needle[j]) {
        match = false;
        break;
      }
    }
    if (match) return i;
  }
  return -1;
}

function startsWithAt(haystack: Uint8Array, needle: Uint8Array, at: number): boolean {
  if (at + needle.length > haystack.length) return false;
  for (let j = 0; j < needle.length; j++) if (haystack[at + j] !== needle[j]) return false;
  return true;
}

function parseError(detail: string): TypeError {
  return new TypeError(`Failed to parse body as FormData: ${detail}`);
}

/** Splits header parameters (`form-data; name="a"; filename="b"`) honouring quotes. */
function dispositionParameters(value: string): Map<string, string> {
  const parameters = new Map<string, string>();
  const pattern = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
  for (const match of value.matchAll(pattern)) {
    const name = (match[1] as string).toLowerCase();
    const raw = match[2] !== undefined ? match[2].replace(/\\(["\\])/g, "$1") : (match[3] ?? "").trim();
    if (!parameters.has(name)) parameters.set(name, raw);
  }
  return parameters;
}

function unescapeQuoted(text: string): string {
  return text.replace(/%0A/gi, "\n").replace(/%0D/gi, "\r").replace(/%22/g, '"');
}

/** RFC 5987 `filename*=utf-8''…`; null when it is not UTF-8 or not decodable. */
function extendedValue(value: string | undefined): string | null {
  if (value === undefined) return null;
  const match = /^utf-8'[^']*'(.*)$/i.exec(value);
  if (match === null) return null;
  try {
    return decodeURIComponent(match[1] as string);
  } catch {
    return null;
  }
}

/** Parses a multipart/form-data body into a FormData; throws TypeError when it is malformed. */
export function parseMultipart(bytes: Uint8Array, boundary: string): FormData {
  if (boundary === "" || boundary.length > 70) throw parseError("bad boundary");
  const decoder = new TextDecoder();
  const delimiter = encoder.encode(`--${boundary}`);
  const nextDelimiter = encoder.encode(`\r\n--${boundary}`);
  let position: number;
  if (startsWithAt(bytes, delimiter, 0)) {
    position = delimiter.length;
  } else {
    // A preamble before the first delimiter is allowed and ignored.
    const found = indexOfBytes(bytes, nextDelimiter, 0);
    if (found === -1) throw parseError("no boundary found");
    position = found + nextDelimiter.length;
  }
  const form = new FormData();
  for (;;) {
    if (bytes[position] === 0x2d && bytes[position + 1] === 0x2d) return form; // "--": the close delimiter
    while (bytes[position] === 0x20 || bytes[position] === 0x09) position++;
    if (!startsWithAt(bytes, CRLF, position)) throw parseError("expected CRLF after the boundary");
    position += 2;
    let headerText = "";
    let bodyStart: number;
    if (startsWithAt(bytes, CRLF, position)) {
      bodyStart = position + 2;
    } else {
      const headersEnd = indexOfBytes(bytes, HEADERS_END, position);
      if (headersEnd === -1) throw parseError("unterminated part headers");
      headerText = decoder.decode(bytes.subarray(position, headersEnd));
      bodyStart = headersEnd + HEADERS_END.length;
    }
    const bodyEnd = indexOfBytes(bytes, nextDelimiter, bodyStart);
    if (bodyEnd === -1) throw parseError("missing the closing boundary");
    let disposition: string | undefined;
    let contentType = "";
    for (const line of headerText.split("\r\n")) {
      const colon = line.indexOf(":");
      if (colon === -1) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === "content-disposition") disposition = value;
      else if (name === "content-type") contentType = value;
    }
    if (disposition === undefined || !/^form-data\s*(;|$)/i.test(disposition)) {
      throw parseError("a part has no Content-Disposition: form-data header");
    }
    const parameters = dispositionParameters(disposition.replace(/^form-data/i, ""));
    const name = parameters.get("name");
    if (name === undefined) throw parseError("a part has no name");
    const content = bytes.subarray(bodyStart, bodyEnd);
    const filename = extendedValue(parameters.get("filename*")) ?? parameters.get("filename");
    if (filename === undefined) {
      form.append(unescapeQuoted(name), decoder.decode(content));
    } else {
      form.append(unescapeQuoted(name), new File([content], unescapeQuoted(filename), { type: contentType }));
    }
    position = bodyEnd + nextDelimiter.length;
  }
}

/** Parses an application/x-www-form-urlencoded body into a FormData. */
export function parseUrlencoded(bytes: Uint8Array): FormData {
  const form = new FormData();
  for (const [name, value] of new URLSearchParams(new TextDecoder().decode(bytes))) form.append(name, value);
  return form;
}
