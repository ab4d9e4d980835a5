// Object fields to and from HTTP headers: user metadata, ETag quoting, and the headers of GetObject/HeadObject.
import type { ObjectInfo } from "@skiff/storage";

const META_PREFIX = "x-amz-meta-";
/** S3's answer for an object stored without a content type. */
export const DEFAULT_CONTENT_TYPE = "binary/octet-stream";

/** `x-amz-meta-*` headers as stored user metadata: names without the prefix, lowercase. */
export function metadataFromHeaders(headers: Headers): Record<string, string> {
  const metadata: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (name.startsWith(META_PREFIX) && name.length > META_PREFIX.length) {
      Object.defineProperty(metadata, name.slice(META_PREFIX.length), {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  });
  return metadata;
}

/** S3 ETags are quoted in headers and XML; storage keeps them bare. */
export function quoteEtag(etag: string): string {
  return `"${etag}"`;
}

export function unquoteEtag(etag: string): string {
  const trimmed = etag.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')
    ? trimmed.slice(1, -1)
    : trimmed;
}

/**
 * The headers describing an object (without Content-Length, which depends on the range served). Metadata values
 * that can not travel as header bytes (characters past U+00FF, control characters; possible when written
 * through a binding) are sent RFC 2047-encoded, as S3 does.
 */
export function objectHeaders(info: ObjectInfo): Headers {
  const headers = new Headers({
    etag: quoteEtag(info.etag),
    "last-modified": new Date(info.lastModified).toUTCString(),
    "content-type": info.contentType ?? DEFAULT_CONTENT_TYPE,
    "accept-ranges": "bytes",
  });
  for (const [name, value] of Object.entries(info.metadata)) {
    headers.set(`${META_PREFIX}${name}`, headerSafe(value));
  }
  return headers;
}

function headerSafe(value: string): string {
  if (!/[^\t\x20-\x7e\x80-\xff]/.test(value)) return value;
  return `=?UTF-8?B?${Buffer.from(value, "utf8").toString("base64")}?=`;
}

/** GetObject's `response-*` query parameters, which override the stored headers of the answer. */
export const RESPONSE_OVERRIDES: Record<string, string> = {
  "response-content-type": "content-type",
  "response-content-language": "content-language",
  "response-expires": "expires",
  "response-cache-control": "cache-control",
  "response-content-disposition": "content-disposition",
  "response-content-encoding": "content-encoding",
};
