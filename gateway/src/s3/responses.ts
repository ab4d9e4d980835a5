// The shapes of successful S3 answers: an XML document, or headers alone.
import { buildXml, type XmlElement } from "./xml.js";

/** A 200 (or `status`) answer carrying an S3 XML document with the S3 namespace. */
export function xmlResponse(
  root: string,
  content: XmlElement,
  headers: Record<string, string> | Headers = {},
  status = 200,
): Response {
  const all = new Headers(headers);
  all.set("content-type", "application/xml");
  return new Response(buildXml(root, content), { status, headers: all });
}

/** An answer with no body (HEAD, 204s, PutObject's 200 with its ETag). */
export function emptyResponse(status: number, headers: Record<string, string> | Headers = {}): Response {
  return new Response(null, { status, headers });
}

/** S3's timestamps in XML: ISO 8601 with milliseconds. */
export function xmlTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
