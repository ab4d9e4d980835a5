// S3's XML: responses built and request bodies parsed with fast-xml-parser, never by string concatenation.
import { XMLBuilder, XMLParser, XMLValidator } from "fast-xml-parser";
import { S3Error } from "./s3-error.js";

/** The namespace of every S3 response document. */
export const S3_XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/";

/** An element's content: text, a nested element, or a list of repeated elements of the same name. */
export type XmlValue = string | number | boolean | XmlElement | XmlElement[] | string[];
export interface XmlElement {
  [name: string]: XmlValue | undefined;
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  suppressEmptyNode: false,
});

/**
 * An XML document with one root element; text is escaped by the builder, elements whose value is undefined are
 * left out, and arrays become repeated elements.
 *
 * @example
 * buildXml("Error", { Code: "NoSuchKey", Message: "…" }, { namespace: false })
 */
export function buildXml(root: string, content: XmlElement, options: { namespace?: boolean } = {}): string {
  const element: Record<string, unknown> = {};
  if (options.namespace !== false) element["@_xmlns"] = S3_XMLNS;
  Object.assign(element, withoutUndefined(content));
  const body: string = builder.build({ [root]: element });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
}

function withoutUndefined(value: XmlElement): XmlElement {
  const out: XmlElement = {};
  for (const [name, child] of Object.entries(value)) {
    if (child === undefined) continue;
    if (Array.isArray(child)) {
      out[name] = child.map((item) => (typeof item === "string" ? item : withoutUndefined(item))) as XmlValue;
    } else if (typeof child === "object") {
      out[name] = withoutUndefined(child);
    } else {
      out[name] = child;
    }
  }
  return out;
}

/** A parsed element: text, or named children (repeated names listed in `repeated` are always arrays). */
export type ParsedXml = { [name: string]: ParsedXml | ParsedXml[] | string } | string;

/**
 * Parses a request body whose root element must be `root`; `repeated` names the elements that may occur more
 * than once. Text is kept exactly (no number parsing, no trimming: "007" and " a " are object keys). Documents
 * with a DTD are refused, so that no entity can expand.
 */
export function parseXmlBody(bytes: Uint8Array | null, root: string, repeated: readonly string[]): ParsedXml {
  const text = bytes === null ? "" : new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  if (text.trim() === "") throw malformed("the request body is empty");
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw malformed("document type declarations are not allowed");
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw malformed(valid.err.msg);
  const parser = new XMLParser({
    ignoreAttributes: true,
    removeNSPrefix: true,
    parseTagValue: false,
    trimValues: false,
    processEntities: true,
    // Decodes numeric character references such as `&#x0D;`, which the AWS SDKs use for some key characters.
    htmlEntities: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    isArray: (name) => repeated.includes(name),
  });
  const document = parser.parse(text) as Record<string, unknown>;
  const element = document[root];
  if (element === undefined) throw malformed(`the root element must be <${root}>`);
  return element === "" ? {} : (element as ParsedXml);
}

function malformed(reason: string): S3Error {
  return new S3Error(
    "MalformedXML",
    `The XML you provided was not well-formed or did not validate against our published schema: ${reason}.`,
  );
}

/** The text of a child element, or undefined when absent or not text. */
export function childText(element: ParsedXml, name: string): string | undefined {
  if (typeof element === "string") return undefined;
  const child = element[name];
  if (typeof child === "string") return child;
  // An element with attributes or comments only still counts as its text; a nested element does not.
  return undefined;
}

/** The repeated children named `name` (declared in `repeated` when parsing). */
export function childList(element: ParsedXml, name: string): ParsedXml[] {
  if (typeof element === "string") return [];
  const child = element[name];
  if (child === undefined) return [];
  return Array.isArray(child) ? child : [child];
}
