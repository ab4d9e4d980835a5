// The S3 API through the whole gateway (app.request) over a real SQLite storage, with requests signed by
// @smithy/signature-v4 as the AWS SDKs sign them.
import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import { XMLParser } from "fast-xml-parser";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type SqliteHarness, startSqliteHarness } from "../testing/sqlite-harness.js";

interface Credential {
  accessKeyId: string;
  secretAccessKey: string;
}

interface S3Call {
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Default: the body's SHA-256 is signed. */
  payloadHash?: string;
  credential?: Credential;
  /** What the server sees as the raw request target (as @hono/node-server passes it in `env.incoming`). */
  rawTarget?: string;
}

interface S3Reply {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: parsed XML is inspected field by field
  xml: any;
}

const xmlParser = new XMLParser({
  parseTagValue: false,
  trimValues: false,
  isArray: (name, path) =>
    ["Contents", "CommonPrefixes", "Deleted"].includes(name) ||
    path === "DeleteResult.Error" ||
    path === "ListAllMyBucketsResult.Buckets.Bucket",
});

let h: SqliteHarness;
let acme: Credential;
let other: Credential;

function signer(credential: Credential) {
  return new SignatureV4({
    credentials: credential,
    region: "us-east-1",
    service: "s3",
    sha256: Hash.bind(null, "sha256"),
    uriEscapePath: false,
  });
}

/** `path` is below /s3 and already percent-encoded, as an SDK sends it. */
async function s3(method: string, path: string, call: S3Call = {}): Promise<S3Reply> {
  const headers: Record<string, string> = { host: "localhost", ...call.headers };
  if (call.payloadHash !== undefined) headers["x-amz-content-sha256"] = call.payloadHash;
  const signed = await signer(call.credential ?? acme).sign(
    {
      method,
      protocol: "http:",
      hostname: "localhost",
      path: `/s3${path}`,
      query: call.query ?? {},
      headers,
      body: call.body,
    },
    { signingDate: new Date(h.clock.now) },
  );
  return send(method, `/s3${path}${search(call.query)}`, signed.headers, call.body, call.rawTarget);
}

function search(query: Record<string, string> | undefined): string {
  const pairs = Object.entries(query ?? {}).map(
    ([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`,
  );
  return pairs.length === 0 ? "" : `?${pairs.join("&")}`;
}

async function send(
  method: string,
  target: string,
  headers: Record<string, string>,
  body?: string | Uint8Array,
  rawTarget?: string,
): Promise<S3Reply> {
  const env = rawTarget === undefined ? undefined : { incoming: { url: rawTarget } };
  const init: RequestInit = { method, headers };
  if (body !== undefined) init.body = body;
  const response = await h.gateway.app.request(`http://localhost${target}`, init, env);
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    xml: text.startsWith("<") ? xmlParser.parse(text) : undefined,
  };
}

const sha256 = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");
const md5 = (data: string | Uint8Array) => createHash("md5").update(data).digest("hex");

async function newCredential(tenant: string, key: string): Promise<Credential> {
  const reply = await h.call("POST", `/api/v1/tenants/${tenant}/s3-credentials`, { key });
  expect(reply.status).toBe(201);
  return reply.json as unknown as Credential;
}

beforeEach(async () => {
  h = await startSqliteHarness({ maxObjectBytes: 1024 });
  acme = await newCredential("acme", h.acmeKey);
  other = await newCredential("other", h.otherKey);
  expect((await s3("PUT", "/photos")).status).toBe(200);
});

afterEach(async () => {
  await h.close();
});

describe("S3 credentials (admin API)", () => {
  it("issues a key once, lists ids only, and revokes it", async () => {
    expect(acme.accessKeyId).toMatch(/\S/);
    expect(acme.secretAccessKey.length).toBeGreaterThanOrEqual(20);
    const listed = await h.call("GET", "/api/v1/tenants/acme/s3-credentials", { key: h.acmeKey });
    expect(listed.status).toBe(200);
    const credentials = (listed.json as { credentials: Array<Record<string, unknown>> }).credentials;
    expect(credentials.map((c) => c.accessKeyId)).toEqual([acme.accessKeyId]);
    expect(JSON.stringify(listed.json)).not.toContain(acme.secretAccessKey);

    const revoked = await h.call("DELETE", `/api/v1/tenants/acme/s3-credentials/${acme.accessKeyId}`, {
      key: h.acmeKey,
    });
    expect(revoked.status).toBe(200);
    const refused = await s3("GET", "");
    expect([refused.status, refused.xml.Error.Code]).toEqual([403, "InvalidAccessKeyId"]);
  });

  it("keeps one tenant's keys from another tenant and from read-only keys", async () => {
    expect((await h.call("POST", "/api/v1/tenants/acme/s3-credentials", { key: h.otherKey })).status).toBe(
      403,
    );
    expect((await h.call("POST", "/api/v1/tenants/acme/s3-credentials", { key: h.acmeReadKey })).status).toBe(
      403,
    );
    const foreign = await h.call("DELETE", `/api/v1/tenants/other/s3-credentials/${acme.accessKeyId}`, {
      key: h.otherKey,
    });
    expect(foreign.status).toBe(404);
    expect((await s3("GET", "")).status).toBe(200);
  });
});

describe("authentication", () => {
  it("refuses anonymous, forged and badly signed requests with S3 XML errors", async () => {
    const anonymous = await send("GET", "/s3/photos", {});
    expect([anonymous.status, anonymous.xml.Error.Code]).toEqual([403, "AccessDenied"]);
    expect(anonymous.headers.get("content-type")).toBe("application/xml");
    expect(anonymous.xml.Error.RequestId).toBe(anonymous.headers.get("x-amz-request-id"));

    const forged = await s3("GET", "/photos", { credential: { ...acme, secretAccessKey: "guess" } });
    expect([forged.status, forged.xml.Error.Code]).toEqual([403, "SignatureDoesNotMatch"]);
    expect(forged.xml.Error.Resource).toBe("/photos");
  });

  it("refuses a request signed more than 15 minutes away from the server's clock", async () => {
    const signedAt = h.clock.now;
    h.clock.now = signedAt - 16 * 60 * 1000;
    const early = await s3("GET", "/photos");
    h.clock.now = signedAt;
    // Signed "in the future" relative to the server: the server's clock is now 16 minutes behind the signature.
    const signed = await signer(acme).sign(
      {
        method: "GET",
        protocol: "http:",
        hostname: "localhost",
        path: "/s3/photos",
        query: {},
        headers: { host: "localhost" },
      },
      { signingDate: new Date(signedAt - 16 * 60 * 1000) },
    );
    const late = await send("GET", "/s3/photos", signed.headers);
    expect([late.status, late.xml.Error.Code]).toEqual([403, "RequestTimeTooSkewed"]);
    expect(early.status).toBe(200);
  });

  it("accepts presigned GET URLs until they expire", async () => {
    await s3("PUT", "/photos/cat.txt", { body: "meow" });
    const presigned = await signer(acme).presign(
      {
        method: "GET",
        protocol: "http:",
        hostname: "localhost",
        path: "/s3/photos/cat.txt",
        query: {},
        headers: { host: "localhost", "X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD" },
      },
      { signingDate: new Date(h.clock.now), expiresIn: 60 },
    );
    const url = `/s3/photos/cat.txt${search(presigned.query as Record<string, string>)}`;
    const ok = await send("GET", url, {});
    expect([ok.status, ok.text]).toEqual([200, "meow"]);
    h.clock.now += 61_000;
    const expired = await send("GET", url, {});
    expect([expired.status, expired.xml.Error.Code, expired.xml.Error.Message]).toEqual([
      403,
      "AccessDenied",
      "Request has expired",
    ]);
  });
});

describe("buckets", () => {
  it("creates, lists, heads and deletes the signing tenant's buckets", async () => {
    expect((await s3("PUT", "/docs")).status).toBe(200);
    const again = await s3("PUT", "/docs");
    expect([again.status, again.xml.Error.Code]).toEqual([409, "BucketAlreadyOwnedByYou"]);
    const invalid = await s3("PUT", "/No_Such_Name");
    expect([invalid.status, invalid.xml.Error.Code]).toEqual([400, "InvalidBucketName"]);

    const listed = await s3("GET", "");
    expect(listed.status).toBe(200);
    expect(listed.xml.ListAllMyBucketsResult.Buckets.Bucket.map((b: { Name: string }) => b.Name)).toEqual([
      "docs",
      "photos",
    ]);
    expect(listed.xml.ListAllMyBucketsResult.Owner.ID).toBe("acme");

    expect((await s3("HEAD", "/docs")).status).toBe(200);
    const missing = await s3("HEAD", "/nothing");
    expect([missing.status, missing.text]).toEqual([404, ""]);

    await s3("PUT", "/docs/a.txt", { body: "a" });
    const notEmpty = await s3("DELETE", "/docs");
    expect([notEmpty.status, notEmpty.xml.Error.Code]).toEqual([409, "BucketNotEmpty"]);
    expect((await s3("DELETE", "/docs/a.txt")).status).toBe(204);
    expect((await s3("DELETE", "/docs")).status).toBe(204);
    const gone = await s3("DELETE", "/docs");
    expect([gone.status, gone.xml.Error.Code]).toEqual([404, "NoSuchBucket"]);
  });

  it("shows a tenant only its own buckets and objects", async () => {
    await s3("PUT", "/photos/secret.txt", { body: "acme only" });
    const list = await s3("GET", "", { credential: other });
    expect(list.xml.ListAllMyBucketsResult.Buckets).toBe("");
    const read = await s3("GET", "/photos/secret.txt", { credential: other });
    expect([read.status, read.xml.Error.Code]).toEqual([404, "NoSuchBucket"]);
    const write = await s3("PUT", "/photos/secret.txt", { credential: other, body: "overwritten" });
    expect(write.xml.Error.Code).toBe("NoSuchBucket");
    const remove = await s3("POST", "/photos", {
      credential: other,
      query: { delete: "" },
      body: "<Delete><Object><Key>secret.txt</Key></Object></Delete>",
    });
    expect(remove.xml.Error.Code).toBe("NoSuchBucket");
    // The same name is free in the other tenant and separate from acme's.
    expect((await s3("PUT", "/photos", { credential: other })).status).toBe(200);
    expect((await s3("GET", "/photos/secret.txt", { credential: other })).xml.Error.Code).toBe("NoSuchKey");
    expect((await s3("GET", "/photos/secret.txt")).text).toBe("acme only");
  });

  it("answers NotImplemented for subresources it does not serve", async () => {
    const acl = await s3("GET", "/photos", { query: { acl: "" } });
    expect([acl.status, acl.xml.Error.Code]).toEqual([501, "NotImplemented"]);
    const tagging = await s3("PUT", "/photos/a.txt", { query: { tagging: "" }, body: "<Tagging/>" });
    expect(tagging.status).toBe(501);
    expect(await h.storage.objects.head("acme", "photos", "a.txt")).toBeUndefined();
  });
});

describe("objects", () => {
  it("puts and gets an object with its type, metadata, quoted ETag and Last-Modified", async () => {
    const put = await s3("PUT", "/photos/cat.txt", {
      body: "hello world",
      headers: { "content-type": "text/plain", "x-amz-meta-owner": "Alice", "x-amz-meta-Color": "grey" },
    });
    expect(put.status).toBe(200);
    expect(put.headers.get("etag")).toBe(`"${md5("hello world")}"`);

    const got = await s3("GET", "/photos/cat.txt");
    expect(got.status).toBe(200);
    expect(got.text).toBe("hello world");
    expect(got.headers.get("etag")).toBe(`"${md5("hello world")}"`);
    expect(got.headers.get("content-type")).toBe("text/plain");
    expect(got.headers.get("content-length")).toBe("11");
    expect(got.headers.get("x-amz-meta-owner")).toBe("Alice");
    expect(got.headers.get("x-amz-meta-color")).toBe("grey");
    expect(got.headers.get("last-modified")).toBe(new Date(h.clock.now).toUTCString());

    const head = await s3("HEAD", "/photos/cat.txt");
    expect([head.status, head.text, head.headers.get("content-length")]).toEqual([200, "", "11"]);
    const stored = await h.storage.objects.head("acme", "photos", "cat.txt");
    expect(stored).toMatchObject({
      size: 11,
      contentType: "text/plain",
      metadata: { owner: "Alice", color: "grey" },
    });
  });

  it("serves byte ranges with 206 and Content-Range, and 416 past the end", async () => {
    await s3("PUT", "/photos/digits", { body: "0123456789" });
    const part = await s3("GET", "/photos/digits", { headers: { range: "bytes=2-4" } });
    expect([
      part.status,
      part.text,
      part.headers.get("content-range"),
      part.headers.get("content-length"),
    ]).toEqual([206, "234", "bytes 2-4/10", "3"]);
    const tail = await s3("GET", "/photos/digits", { headers: { range: "bytes=-3" } });
    expect([tail.status, tail.text]).toEqual([206, "789"]);
    const past = await s3("GET", "/photos/digits", { headers: { range: "bytes=10-" } });
    expect([past.status, past.xml.Error.Code, past.headers.get("content-range")]).toEqual([
      416,
      "InvalidRange",
      "bytes */10",
    ]);
  });

  it("answers NoSuchKey and NoSuchBucket", async () => {
    const key = await s3("GET", "/photos/none.txt");
    expect([key.status, key.xml.Error.Code, key.xml.Error.Key]).toEqual([404, "NoSuchKey", "none.txt"]);
    const bucket = await s3("GET", "/nothing/none.txt");
    expect([bucket.status, bucket.xml.Error.Code]).toEqual([404, "NoSuchBucket"]);
    const head = await s3("HEAD", "/photos/none.txt");
    expect([head.status, head.text]).toEqual([404, ""]);
  });

  it("decodes keys from the path exactly once: %2F, + and UTF-8", async () => {
    const put = await s3("PUT", "/photos/a%20b/c+d%252F%2Fe%20%C3%BC%E2%9C%93", { body: "k" });
    expect(put.status).toBe(200);
    expect(await h.storage.objects.head("acme", "photos", "a b/c+d%2F/e ü✓")).toMatchObject({ size: 1 });
    expect((await s3("GET", "/photos/a%20b/c+d%252F%2Fe%20%C3%BC%E2%9C%93")).text).toBe("k");
  });

  it("keeps dot segments of keys when the raw target is known (as served by @hono/node-server)", async () => {
    const path = "/photos/../../etc/passwd";
    const put = await s3("PUT", path, { body: "not a file", rawTarget: `/s3${path}` });
    expect(put.status).toBe(200);
    expect(await h.storage.objects.head("acme", "photos", "../../etc/passwd")).toMatchObject({ size: 10 });
    const got = await s3("GET", path, { rawTarget: `/s3${path}` });
    expect(got.text).toBe("not a file");
  });

  it("stores nothing when the body does not match its signed SHA-256 or Content-MD5", async () => {
    const wrongHash = await s3("PUT", "/photos/x", { body: "real", payloadHash: sha256("other") });
    expect([wrongHash.status, wrongHash.xml.Error.Code]).toEqual([400, "XAmzContentSHA256Mismatch"]);
    const wrongMd5 = await s3("PUT", "/photos/x", {
      body: "real",
      headers: { "content-md5": createHash("md5").update("other").digest("base64") },
    });
    expect([wrongMd5.status, wrongMd5.xml.Error.Code]).toEqual([400, "BadDigest"]);
    const wrongCrc = await s3("PUT", "/photos/x", {
      body: "real",
      headers: { "x-amz-checksum-crc32": "AAAAAA==" },
    });
    expect(wrongCrc.xml.Error.Code).toBe("BadDigest");
    expect(await h.storage.objects.head("acme", "photos", "x")).toBeUndefined();

    const unsigned = await s3("PUT", "/photos/x", { body: "real", payloadHash: "UNSIGNED-PAYLOAD" });
    expect(unsigned.status).toBe(200);
  });

  it("refuses an object over the limit, by its declared size or while streaming", async () => {
    const big = new Uint8Array(1025);
    const declared = await s3("PUT", "/photos/big", { body: big });
    expect([declared.status, declared.xml.Error.Code]).toEqual([400, "EntityTooLarge"]);
    const chunked = await s3("PUT", "/photos/big", {
      body: awsChunked([big.subarray(0, 600), big.subarray(600)], []),
      payloadHash: "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
      headers: { "content-encoding": "aws-chunked" },
    });
    expect([chunked.status, chunked.xml.Error.Code]).toEqual([400, "EntityTooLarge"]);
    expect(await h.storage.objects.head("acme", "photos", "big")).toBeUndefined();
    expect((await s3("PUT", "/photos/big", { body: big.subarray(0, 1024) })).status).toBe(200);
  });

  it("decodes aws-chunked uploads with a CRC32 trailer, as the AWS SDK streams them", async () => {
    const data = new TextEncoder().encode("hello streaming world");
    const trailer: [string, string] = ["x-amz-checksum-crc32", crc32Base64(data)];
    const headers = {
      "content-encoding": "aws-chunked",
      "x-amz-decoded-content-length": String(data.byteLength),
      "x-amz-trailer": "x-amz-checksum-crc32",
    };
    const put = await s3("PUT", "/photos/stream", {
      body: awsChunked([data.subarray(0, 6), data.subarray(6)], [trailer]),
      payloadHash: "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
      headers,
    });
    expect(put.status).toBe(200);
    expect(put.headers.get("etag")).toBe(`"${md5(data)}"`);
    expect((await s3("GET", "/photos/stream")).text).toBe("hello streaming world");

    const corrupt = await s3("PUT", "/photos/corrupt", {
      body: awsChunked([data], [["x-amz-checksum-crc32", "AAAAAA=="]]),
      payloadHash: "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
      headers,
    });
    expect(corrupt.xml.Error.Code).toBe("BadDigest");
    const truncated = await s3("PUT", "/photos/corrupt", {
      body: "15\r\nhello",
      payloadHash: "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
      headers,
    });
    expect(truncated.xml.Error.Code).toBe("IncompleteBody");
    expect(await h.storage.objects.head("acme", "photos", "corrupt")).toBeUndefined();
  });

  it("verifies every chunk signature of a STREAMING-AWS4-HMAC-SHA256-PAYLOAD upload", async () => {
    const chunks = ["first chunk,", " second"].map((text) => new TextEncoder().encode(text));
    const upload = async (tamper: boolean) => {
      const headers: Record<string, string> = {
        host: "localhost",
        "content-encoding": "aws-chunked",
        "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "x-amz-decoded-content-length": "19",
      };
      const date = new Date(h.clock.now);
      const signed = await signer(acme).sign(
        {
          method: "PUT",
          protocol: "http:",
          hostname: "localhost",
          path: "/s3/photos/signed",
          query: {},
          headers,
        },
        { signingDate: date },
      );
      const seed = /Signature=(\w+)/.exec(signed.headers.authorization ?? "")?.[1] ?? "";
      const amzDate = signed.headers["x-amz-date"] ?? "";
      const scope = `${amzDate.slice(0, 8)}/us-east-1/s3/aws4_request`;
      let previous = seed;
      const framed: Uint8Array[] = [];
      for (const chunk of [...chunks, new Uint8Array(0)]) {
        const stringToSign = [
          "AWS4-HMAC-SHA256-PAYLOAD",
          amzDate,
          scope,
          previous,
          sha256(""),
          sha256(chunk),
        ].join("\n");
        previous = await signer(acme).sign(stringToSign, { signingDate: date });
        const data = tamper && chunk.byteLength > 0 ? chunk.map((b) => b ^ 1) : chunk;
        framed.push(
          new TextEncoder().encode(`${chunk.byteLength.toString(16)};chunk-signature=${previous}\r\n`),
          data,
          new TextEncoder().encode("\r\n"),
        );
      }
      return send("PUT", "/s3/photos/signed", signed.headers, Buffer.concat(framed));
    };
    const tampered = await upload(true);
    expect([tampered.status, tampered.xml.Error.Code]).toEqual([403, "SignatureDoesNotMatch"]);
    expect(await h.storage.objects.head("acme", "photos", "signed")).toBeUndefined();
    const ok = await upload(false);
    expect(ok.status).toBe(200);
    expect((await s3("GET", "/photos/signed")).text).toBe("first chunk, second");
  });
});

describe("ListObjectsV2", () => {
  beforeEach(async () => {
    for (const key of ["a/1.txt", "a/2.txt", "a/b/3.txt", "c&<d>.txt", "z.txt"]) {
      expect(
        (await s3("PUT", `/photos/${key.split("/").map(encodeURIComponent).join("/")}`, { body: key }))
          .status,
      ).toBe(200);
    }
  });

  it("lists with prefix and delimiter, rolling up common prefixes, with escaped keys", async () => {
    const top = await s3("GET", "/photos", { query: { "list-type": "2", delimiter: "/" } });
    const result = top.xml.ListBucketResult;
    expect(result.Contents.map((c: { Key: string }) => c.Key)).toEqual(["c&<d>.txt", "z.txt"]);
    expect(result.CommonPrefixes.map((p: { Prefix: string }) => p.Prefix)).toEqual(["a/"]);
    expect([result.KeyCount, result.IsTruncated, result.Name]).toEqual(["3", "false", "photos"]);
    expect(top.text).toContain("<Key>c&amp;&lt;d&gt;.txt</Key>");
    expect(result.Contents[1]).toMatchObject({
      Size: "5",
      ETag: `"${md5("z.txt")}"`,
      StorageClass: "STANDARD",
    });

    const inA = await s3("GET", "/photos", { query: { "list-type": "2", prefix: "a/", delimiter: "/" } });
    expect(inA.xml.ListBucketResult.Contents.map((c: { Key: string }) => c.Key)).toEqual([
      "a/1.txt",
      "a/2.txt",
    ]);
    expect(inA.xml.ListBucketResult.CommonPrefixes.map((p: { Prefix: string }) => p.Prefix)).toEqual([
      "a/b/",
    ]);
  });

  it("pages with max-keys and continuation tokens, and starts after a key", async () => {
    const keys: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const query: Record<string, string> = { "list-type": "2", "max-keys": "2" };
      if (token !== undefined) query["continuation-token"] = token;
      const page = (await s3("GET", "/photos", { query })).xml.ListBucketResult;
      keys.push(...(page.Contents ?? []).map((c: { Key: string }) => c.Key));
      expect(page.KeyCount).toBe(String((page.Contents ?? []).length));
      token = page.IsTruncated === "true" ? page.NextContinuationToken : undefined;
      pages++;
    } while (token !== undefined && pages < 10);
    expect(keys).toEqual(["a/1.txt", "a/2.txt", "a/b/3.txt", "c&<d>.txt", "z.txt"]);
    expect(pages).toBe(3);

    const after = await s3("GET", "/photos", { query: { "list-type": "2", "start-after": "a/b/3.txt" } });
    expect(after.xml.ListBucketResult.Contents.map((c: { Key: string }) => c.Key)).toEqual([
      "c&<d>.txt",
      "z.txt",
    ]);
    const bad = await s3("GET", "/photos", { query: { "list-type": "2", "continuation-token": "!!" } });
    expect([bad.status, bad.xml.Error.Code]).toEqual([400, "InvalidArgument"]);
    const missing = await s3("GET", "/nothing", { query: { "list-type": "2" } });
    expect(missing.xml.Error.Code).toBe("NoSuchBucket");
  });
});

describe("ListObjects (version 1), encoding-type=url and GetBucketLocation", () => {
  it("pages with marker and NextMarker, and URL-encodes keys when asked", async () => {
    for (const key of ["a b", "c%d", "e"]) {
      await s3("PUT", `/photos/${encodeURIComponent(key)}`, { body: key });
    }
    const first = (await s3("GET", "/photos", { query: { "max-keys": "2" } })).xml.ListBucketResult;
    expect(first.Contents.map((c: { Key: string }) => c.Key)).toEqual(["a b", "c%d"]);
    expect([first.IsTruncated, first.NextMarker, first.Contents[0].Owner.ID]).toEqual([
      "true",
      "c%d",
      "acme",
    ]);
    const rest = (await s3("GET", "/photos", { query: { marker: first.NextMarker } })).xml.ListBucketResult;
    expect(rest.Contents.map((c: { Key: string }) => c.Key)).toEqual(["e"]);

    const encoded = (await s3("GET", "/photos", { query: { "list-type": "2", "encoding-type": "url" } })).xml
      .ListBucketResult;
    expect(encoded.Contents.map((c: { Key: string }) => c.Key)).toEqual(["a+b", "c%25d", "e"]);
    expect(encoded.EncodingType).toBe("url");
  });

  it("answers us-east-1 as the empty location constraint", async () => {
    const location = await s3("GET", "/photos", { query: { location: "" } });
    expect([location.status, location.xml.LocationConstraint]).toEqual([200, ""]);
  });
});

describe("DeleteObjects and CopyObject", () => {
  it("deletes listed keys, reporting each (existing or not), quietly when asked", async () => {
    await s3("PUT", "/photos/a", { body: "a" });
    await s3("PUT", "/photos/b%26", { body: "b" });
    const body =
      "<Delete><Object><Key>a</Key></Object><Object><Key>b&amp;</Key></Object><Object><Key>never</Key></Object></Delete>";
    const reply = await s3("POST", "/photos", { query: { delete: "" }, body });
    expect(reply.status).toBe(200);
    expect(reply.xml.DeleteResult.Deleted.map((d: { Key: string }) => d.Key)).toEqual(["a", "b&", "never"]);
    expect(await h.storage.objects.head("acme", "photos", "b&")).toBeUndefined();

    await s3("PUT", "/photos/c", { body: "c" });
    const quiet = await s3("POST", "/photos", {
      query: { delete: "" },
      body: "<Delete><Quiet>true</Quiet><Object><Key>c</Key></Object></Delete>",
    });
    expect(quiet.xml.DeleteResult).toBe("");
    const malformed = await s3("POST", "/photos", { query: { delete: "" }, body: "<Delete><Object>" });
    expect([malformed.status, malformed.xml.Error.Code]).toEqual([400, "MalformedXML"]);
    const entity = await s3("POST", "/photos", {
      query: { delete: "" },
      body: '<!DOCTYPE d [<!ENTITY x "c">]><Delete><Object><Key>&x;</Key></Object></Delete>',
    });
    expect(entity.xml.Error.Code).toBe("MalformedXML");
  });

  it("copies within the tenant, keeping or replacing metadata", async () => {
    await s3("PUT", "/photos/src%20%C3%BC", {
      body: "original",
      headers: { "content-type": "text/plain", "x-amz-meta-a": "1" },
    });
    const copy = await s3("PUT", "/photos/dst", { headers: { "x-amz-copy-source": "/photos/src%20%C3%BC" } });
    expect(copy.status).toBe(200);
    expect(copy.xml.CopyObjectResult.ETag).toBe(`"${md5("original")}"`);
    expect(await h.storage.objects.head("acme", "photos", "dst")).toMatchObject({
      contentType: "text/plain",
      metadata: { a: "1" },
    });

    const replace = await s3("PUT", "/photos/dst", {
      headers: {
        "x-amz-copy-source": "photos/dst",
        "x-amz-metadata-directive": "REPLACE",
        "x-amz-meta-b": "2",
        "content-type": "text/markdown",
      },
    });
    expect(replace.status).toBe(200);
    expect(await h.storage.objects.head("acme", "photos", "dst")).toMatchObject({
      contentType: "text/markdown",
      metadata: { b: "2" },
    });
    expect((await s3("GET", "/photos/dst")).text).toBe("original");

    const self = await s3("PUT", "/photos/dst", { headers: { "x-amz-copy-source": "photos/dst" } });
    expect([self.status, self.xml.Error.Code]).toEqual([400, "InvalidRequest"]);
    const missing = await s3("PUT", "/photos/dst2", { headers: { "x-amz-copy-source": "photos/none" } });
    expect([missing.status, missing.xml.Error.Code]).toEqual([404, "NoSuchKey"]);
    await s3("PUT", "/photos", { credential: other });
    const foreign = await s3("PUT", "/photos/stolen", {
      credential: other,
      headers: { "x-amz-copy-source": "photos/dst" },
    });
    expect(foreign.xml.Error.Code).toBe("NoSuchKey");
  });
});

describe("multipart uploads", () => {
  async function start(key: string): Promise<string> {
    const created = await s3("POST", `/photos/${key}`, {
      query: { uploads: "" },
      headers: { "content-type": "text/plain", "x-amz-meta-kind": "parts" },
    });
    expect(created.status).toBe(200);
    return created.xml.InitiateMultipartUploadResult.UploadId;
  }

  it("uploads parts and completes them into one object", async () => {
    const uploadId = await start("joined.txt");
    const etags: string[] = [];
    for (const [n, text] of [
      [1, "part one, "],
      [2, "part two"],
    ] as const) {
      const part = await s3("PUT", "/photos/joined.txt", {
        query: { partNumber: String(n), uploadId },
        body: text,
      });
      expect(part.status).toBe(200);
      etags.push(part.headers.get("etag") ?? "");
    }
    expect(etags[0]).toBe(`"${md5("part one, ")}"`);
    const body = `<CompleteMultipartUpload>${etags.map((etag, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${etag.replace(/"/g, "&quot;")}</ETag></Part>`).join("")}</CompleteMultipartUpload>`;
    const done = await s3("POST", "/photos/joined.txt", { query: { uploadId }, body });
    expect(done.status).toBe(200);
    expect(done.xml.CompleteMultipartUploadResult).toMatchObject({ Bucket: "photos", Key: "joined.txt" });
    expect(done.xml.CompleteMultipartUploadResult.ETag).toMatch(/^"[0-9a-f]{32}-2"$/);
    const got = await s3("GET", "/photos/joined.txt");
    expect([got.text, got.headers.get("content-type"), got.headers.get("x-amz-meta-kind")]).toEqual([
      "part one, part two",
      "text/plain",
      "parts",
    ]);
  });

  it("refuses parts out of order, wrong ETags and unknown or aborted uploads", async () => {
    const uploadId = await start("bad.txt");
    const p1 = (
      await s3("PUT", "/photos/bad.txt", { query: { partNumber: "1", uploadId }, body: "x" })
    ).headers.get("etag");
    const p2 = (
      await s3("PUT", "/photos/bad.txt", { query: { partNumber: "2", uploadId }, body: "y" })
    ).headers.get("etag");
    const unordered = await s3("POST", "/photos/bad.txt", {
      query: { uploadId },
      body: `<CompleteMultipartUpload><Part><PartNumber>2</PartNumber><ETag>${p2}</ETag></Part><Part><PartNumber>1</PartNumber><ETag>${p1}</ETag></Part></CompleteMultipartUpload>`,
    });
    expect([unordered.status, unordered.xml.Error.Code]).toEqual([400, "InvalidPartOrder"]);
    const wrong = await s3("POST", "/photos/bad.txt", {
      query: { uploadId },
      body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"${md5("z")}"</ETag></Part></CompleteMultipartUpload>`,
    });
    expect([wrong.status, wrong.xml.Error.Code]).toEqual([400, "InvalidPart"]);
    const badNumber = await s3("PUT", "/photos/bad.txt", {
      query: { partNumber: "10001", uploadId },
      body: "x",
    });
    expect(badNumber.xml.Error.Code).toBe("InvalidArgument");

    expect((await s3("DELETE", "/photos/bad.txt", { query: { uploadId } })).status).toBe(204);
    const afterAbort = await s3("PUT", "/photos/bad.txt", {
      query: { partNumber: "3", uploadId },
      body: "x",
    });
    expect([afterAbort.status, afterAbort.xml.Error.Code]).toEqual([404, "NoSuchUpload"]);
    const unknown = await s3("DELETE", "/photos/bad.txt", { query: { uploadId: "0".repeat(32) } });
    expect(unknown.xml.Error.Code).toBe("NoSuchUpload");
    expect(await h.storage.objects.head("acme", "photos", "bad.txt")).toBeUndefined();
  });

  it("refuses a part over the object limit", async () => {
    const uploadId = await start("huge.bin");
    const part = await s3("PUT", "/photos/huge.bin", {
      query: { partNumber: "1", uploadId },
      body: new Uint8Array(1025),
    });
    expect([part.status, part.xml.Error.Code]).toEqual([400, "EntityTooLarge"]);
  });
});

describe("notifications", () => {
  it("records each write with its action: PutObject, CopyObject, CompleteMultipartUpload, DeleteObject", async () => {
    await h.deploy("watch");
    await h.storage.buckets.setNotifications("acme", "photos", [
      { events: ["object-create", "object-delete"], function: "watch" },
    ]);
    await s3("PUT", "/photos/one", { body: "1" });
    await s3("PUT", "/photos/two", { headers: { "x-amz-copy-source": "photos/one" } });
    const uploadId = (await s3("POST", "/photos/three", { query: { uploads: "" } })).xml
      .InitiateMultipartUploadResult.UploadId;
    const etag = (
      await s3("PUT", "/photos/three", { query: { partNumber: "1", uploadId }, body: "3" })
    ).headers.get("etag");
    await s3("POST", "/photos/three", {
      query: { uploadId },
      body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>`,
    });
    await s3("DELETE", "/photos/one");
    await s3("POST", "/photos", {
      query: { delete: "" },
      body: "<Delete><Object><Key>two</Key></Object></Delete>",
    });
    // A failed write notifies nobody.
    await s3("PUT", "/photos/four", { body: "4", payloadHash: sha256("not 4") });

    const events = await h.storage.events.lease(h.clock.now + 3_600_000, 100, "test", 60_000);
    const actions = events.map((event) => {
      const text = JSON.stringify(event.payload);
      return ["CompleteMultipartUpload", "CopyObject", "PutObject", "DeleteObject"].find((action) =>
        text.includes(action),
      );
    });
    expect(actions).toEqual([
      "PutObject",
      "CopyObject",
      "CompleteMultipartUpload",
      "DeleteObject",
      "DeleteObject",
    ]);
  });
});

function awsChunked(chunks: Uint8Array[], trailers: Array<[string, string]>): Uint8Array {
  const parts: Uint8Array[] = [];
  const text = (s: string) => new TextEncoder().encode(s);
  for (const chunk of chunks) parts.push(text(`${chunk.byteLength.toString(16)}\r\n`), chunk, text("\r\n"));
  parts.push(text("0\r\n"));
  for (const [name, value] of trailers) parts.push(text(`${name}:${value}\r\n`));
  parts.push(text("\r\n"));
  return Buffer.concat(parts);
}

function crc32Base64(data: Uint8Array): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(data) >>> 0);
  return out.toString("base64");
}
