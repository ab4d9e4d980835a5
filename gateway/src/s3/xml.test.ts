import { describe, expect, it } from "vitest";
import { S3Error } from "./s3-error.js";
import { buildXml, childList, childText, parseXmlBody } from "./xml.js";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("buildXml", () => {
  it("escapes text, repeats arrays, leaves out undefined and adds the S3 namespace", () => {
    const xml = buildXml("ListBucketResult", {
      Name: "a&b",
      Contents: [{ Key: "<k>" }, { Key: '"q"' }],
      Missing: undefined,
      IsTruncated: false,
    });
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>a&amp;b</Name><Contents><Key>&lt;k&gt;</Key></Contents><Contents><Key>&quot;q&quot;</Key></Contents><IsTruncated>false</IsTruncated></ListBucketResult>',
    );
    expect(buildXml("Error", { Code: "X" }, { namespace: false })).toContain("<Error><Code>X</Code></Error>");
  });
});

describe("parseXmlBody", () => {
  it("keeps text exactly (no numbers, no trimming) and decodes character references", () => {
    const doc = parseXmlBody(
      bytes(
        '<?xml version="1.0"?><Delete xmlns="x"><Object><Key>007</Key></Object><Object><Key> a&amp;&#x0D;&#10;b </Key></Object></Delete>',
      ),
      "Delete",
      ["Object"],
    );
    expect(childList(doc, "Object").map((o) => childText(o, "Key"))).toEqual(["007", " a&\r\nb "]);
    expect(
      childList(
        parseXmlBody(bytes("<Delete><Object><Key>k</Key></Object></Delete>"), "Delete", ["Object"]),
        "Object",
      ),
    ).toHaveLength(1);
  });

  it("refuses malformed documents, another root, and DTDs", () => {
    for (const body of [
      "",
      "<Delete><Object>",
      "garbage",
      "<Other/>",
      '<!DOCTYPE a [<!ENTITY e "x">]><Delete/>',
    ]) {
      const error = (() => {
        try {
          parseXmlBody(bytes(body), "Delete", ["Object"]);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(S3Error);
      expect((error as S3Error).code).toBe("MalformedXML");
    }
  });
});
