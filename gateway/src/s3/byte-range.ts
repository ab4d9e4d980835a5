// HTTP `Range: bytes=…` for GetObject: one range, as S3 serves (several ranges are answered with the whole object).
import { S3Error } from "./s3-error.js";

/** Inclusive byte positions. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * The range to serve from an object of `size` bytes, or undefined for the whole object (no header, a header
 * that is not a single byte range, which HTTP says to ignore). Throws InvalidRange (416) when no byte of the
 * object is in the range.
 *
 * @example
 * parseByteRange("bytes=-100", 1000) // { start: 900, end: 999 }
 */
export function parseByteRange(header: string | null, size: number): ByteRange | undefined {
  if (header === null) return undefined;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (match === null) return undefined;
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return undefined;
  let range: ByteRange;
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0) throw unsatisfiable(size);
    range = { start: Math.max(0, size - suffix), end: size - 1 };
  } else {
    const start = Number(first);
    const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
    if (last !== "" && Number(last) < start) return undefined;
    range = { start, end };
  }
  if (range.start >= size || range.end < range.start) throw unsatisfiable(size);
  return range;
}

function unsatisfiable(size: number): S3Error {
  return new S3Error(
    "InvalidRange",
    "The requested range is not satisfiable",
    {
      ActualObjectSize: String(size),
    },
    { headers: { "content-range": `bytes */${size}` } },
  );
}
