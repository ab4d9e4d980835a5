// The header pairs a function receives, built from Node's raw request headers without a Fetch `Headers` copy,
// in the form `Headers` iteration gives: lowercase names in sorted order, repeated headers comma-joined.
import type { HeaderList } from "@skiff/core";

/**
 * `x-skiff-*` headers are the platform's word to the function (e.g. that a webhook was verified): a client must
 * never be able to send them.
 */
export const PLATFORM_HEADER_PREFIX = "x-skiff-";

/**
 * Header pairs from Node's `rawHeaders` ([name, value, name, value, …]): names lowercased, HTTP/2 pseudo-headers
 * and `x-skiff-*` dropped, values of a repeated name joined with ", " (except `set-cookie`, kept apart, as
 * `Headers` does), sorted by name. Node's parser has already refused names and values HTTP does not allow.
 *
 * @example
 * headerListFromRaw(["Host", "x", "Accept", "a", "accept", "b"]); // [["accept", "a, b"], ["host", "x"]]
 */
export function headerListFromRaw(raw: readonly string[]): HeaderList {
  const headers: HeaderList = [];
  let sorted = true;
  let repeated = false;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    if (name.charCodeAt(0) === 58 /* ":" */ || name.startsWith(PLATFORM_HEADER_PREFIX)) continue;
    const previous = headers[headers.length - 1];
    if (previous !== undefined && previous[0] >= name) {
      sorted = false;
      if (previous[0] === name) repeated = true;
    }
    headers.push([name, trimHttpWhitespace(raw[i + 1] as string)]);
  }
  if (sorted && !repeated) return headers;
  // Stable: values of one name keep their order.
  headers.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const combined: HeaderList = [];
  for (const pair of headers) {
    const last = combined[combined.length - 1];
    if (last !== undefined && last[0] === pair[0] && pair[0] !== "set-cookie")
      last[1] = `${last[1]}, ${pair[1]}`;
    else combined.push(pair);
  }
  return combined;
}

/** Strips leading and trailing spaces and tabs, as `Headers` normalizes a value (Node usually has already). */
function trimHttpWhitespace(value: string): string {
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(value.length - 1);
  if (first !== 32 && first !== 9 && last !== 32 && last !== 9) return value;
  return value.replace(/^[\t ]+|[\t ]+$/g, "");
}
