// The official AWS SDK for JavaScript (v3) against a running `skiff serve`: the S3 API at /s3, path-style.
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminClient, call } from "./skiff-api.js";
import { type SkiffServer, startSkiff } from "./skiff-server.js";

let server: SkiffServer;
let admin: AdminClient;
let s3: S3Client;
let credentials: { accessKeyId: string; secretAccessKey: string };
let otherS3: S3Client;

function client(creds: { accessKeyId: string; secretAccessKey: string }): S3Client {
  return new S3Client({
    endpoint: `${server.url}/s3`,
    forcePathStyle: true,
    region: "us-east-1",
    credentials: creds,
    // A failure must show at once, not after the SDK's retries.
    maxAttempts: 1,
  });
}

/** The S3 error a command fails with (its `name` is the S3 `<Code>`). */
async function s3Error(promise: Promise<unknown>): Promise<S3ServiceException> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(S3ServiceException);
  return error as S3ServiceException;
}

beforeAll(async () => {
  server = await startSkiff();
  admin = new AdminClient(server, server.defaultKey);
  const issued = await admin.call("POST", "/tenants/default/s3-credentials");
  expect(issued.status).toBe(201);
  credentials = issued.json;
  s3 = client(credentials);

  const operator = new AdminClient(server, server.adminToken);
  const tenant = await operator.call("POST", "/tenants", { name: "other" });
  expect(tenant.status).toBe(201);
  const otherAdmin = new AdminClient(server, tenant.json.apiKey);
  otherS3 = client((await otherAdmin.call("POST", "/tenants/other/s3-credentials")).json);

  // One bucket made through the admin API, as the CLI makes them.
  expect((await admin.call("POST", "/tenants/default/buckets", { name: "uploads" })).status).toBe(201);
});

afterAll(async () => {
  s3?.destroy();
  otherS3?.destroy();
  await server?.stop();
});

describe("@aws-sdk/client-s3 against skiff serve", () => {
  it("puts, heads, gets, lists and deletes objects", async () => {
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: "uploads",
        Key: "images/cat.txt",
        Body: "a small cat",
        ContentType: "text/plain",
        Metadata: { owner: "alice" },
      }),
    );
    expect(put.ETag).toBe(`"${createHash("md5").update("a small cat").digest("hex")}"`);

    const head = await s3.send(new HeadObjectCommand({ Bucket: "uploads", Key: "images/cat.txt" }));
    expect(head).toMatchObject({
      ContentLength: 11,
      ContentType: "text/plain",
      ETag: put.ETag,
      Metadata: { owner: "alice" },
    });
    expect(head.LastModified).toBeInstanceOf(Date);

    const got = await s3.send(new GetObjectCommand({ Bucket: "uploads", Key: "images/cat.txt" }));
    expect(await got.Body?.transformToString()).toBe("a small cat");

    const range = await s3.send(
      new GetObjectCommand({ Bucket: "uploads", Key: "images/cat.txt", Range: "bytes=2-6" }),
    );
    expect([range.ContentRange, await range.Body?.transformToString()]).toEqual(["bytes 2-6/11", "small"]);

    await s3.send(new PutObjectCommand({ Bucket: "uploads", Key: "images/dog.txt", Body: "woof" }));
    await s3.send(new PutObjectCommand({ Bucket: "uploads", Key: "readme.md", Body: "# hi" }));
    const top = await s3.send(new ListObjectsV2Command({ Bucket: "uploads", Delimiter: "/" }));
    expect(top.Contents?.map((o) => o.Key)).toEqual(["readme.md"]);
    expect(top.CommonPrefixes?.map((p) => p.Prefix)).toEqual(["images/"]);
    const images = await s3.send(
      new ListObjectsV2Command({ Bucket: "uploads", Prefix: "images/", MaxKeys: 1 }),
    );
    expect([images.KeyCount, images.IsTruncated, images.Contents?.[0]?.Key]).toEqual([
      1,
      true,
      "images/cat.txt",
    ]);
    const next = await s3.send(
      new ListObjectsV2Command({
        Bucket: "uploads",
        Prefix: "images/",
        ContinuationToken: images.NextContinuationToken,
      }),
    );
    expect(next.Contents?.map((o) => [o.Key, o.Size])).toEqual([["images/dog.txt", 4]]);

    await s3.send(new DeleteObjectCommand({ Bucket: "uploads", Key: "images/dog.txt" }));
    const missing = await s3Error(
      s3.send(new GetObjectCommand({ Bucket: "uploads", Key: "images/dog.txt" })),
    );
    expect([missing.name, missing.$metadata.httpStatusCode]).toEqual(["NoSuchKey", 404]);
    const headMissing = await s3Error(
      s3.send(new HeadObjectCommand({ Bucket: "uploads", Key: "images/dog.txt" })),
    );
    expect(headMissing.$metadata.httpStatusCode).toBe(404);
  });

  it("streams a body of unknown chunks (aws-chunked with a CRC32 trailer)", async () => {
    const chunks = [Buffer.from("streamed "), Buffer.from("in "), Buffer.from("pieces")];
    await s3.send(
      new PutObjectCommand({
        Bucket: "uploads",
        Key: "stream.txt",
        Body: Readable.from(chunks),
        ContentLength: 18,
      }),
    );
    const got = await s3.send(new GetObjectCommand({ Bucket: "uploads", Key: "stream.txt" }));
    expect(await got.Body?.transformToString()).toBe("streamed in pieces");
  });

  it("moves megabytes both ways, as a buffer (Expect: 100-continue) and as a stream", async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 17);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) % 251;
    const md5 = createHash("md5").update(big).digest("hex");
    const put = await s3.send(new PutObjectCommand({ Bucket: "uploads", Key: "big/buffer.bin", Body: big }));
    expect(put.ETag).toBe(`"${md5}"`);
    const pieces = Array.from({ length: Math.ceil(big.length / 65536) }, (_, i) =>
      big.subarray(i * 65536, (i + 1) * 65536),
    );
    const streamed = await s3.send(
      new PutObjectCommand({
        Bucket: "uploads",
        Key: "big/stream.bin",
        Body: Readable.from(pieces),
        ContentLength: big.length,
      }),
    );
    expect(streamed.ETag).toBe(`"${md5}"`);
    for (const key of ["big/buffer.bin", "big/stream.bin"]) {
      const got = await s3.send(new GetObjectCommand({ Bucket: "uploads", Key: key }));
      const bytes = await got.Body?.transformToByteArray();
      expect(
        createHash("md5")
          .update(bytes ?? new Uint8Array())
          .digest("hex"),
      ).toBe(md5);
    }
  });

  it("stores keys with any characters as plain keys", async () => {
    const keys = ["../../etc/passwd", "a\u0000b", "dir/a b+c%2F ü✓.txt", "./x//y/."];
    for (const key of keys) {
      await s3.send(new PutObjectCommand({ Bucket: "uploads", Key: key, Body: `content of ${key}` }));
      const got = await s3.send(new GetObjectCommand({ Bucket: "uploads", Key: key }));
      expect(await got.Body?.transformToString()).toBe(`content of ${key}`);
    }
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: "uploads", Prefix: "dir/" }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual(["dir/a b+c%2F ü✓.txt"]);
    const dots = await s3.send(new ListObjectsV2Command({ Bucket: "uploads", Prefix: "../" }));
    expect(dots.Contents?.map((o) => o.Key)).toEqual(["../../etc/passwd"]);
  });

  it("copies objects and deletes several at once", async () => {
    await s3.send(new PutObjectCommand({ Bucket: "uploads", Key: "src ü.txt", Body: "copy me" }));
    const copied = await s3.send(
      new CopyObjectCommand({
        Bucket: "uploads",
        Key: "copies/one.txt",
        CopySource: `uploads/${encodeURIComponent("src ü.txt")}`,
      }),
    );
    expect(copied.CopyObjectResult?.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    const got = await s3.send(new GetObjectCommand({ Bucket: "uploads", Key: "copies/one.txt" }));
    expect(await got.Body?.transformToString()).toBe("copy me");

    const deleted = await s3.send(
      new DeleteObjectsCommand({
        Bucket: "uploads",
        Delete: { Objects: [{ Key: "copies/one.txt" }, { Key: "src ü.txt" }, { Key: "never & <there>" }] },
      }),
    );
    expect(deleted.Deleted?.map((d) => d.Key).sort()).toEqual([
      "copies/one.txt",
      "never & <there>",
      "src ü.txt",
    ]);
    expect(deleted.Errors ?? []).toEqual([]);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: "uploads", Prefix: "copies/" }));
    expect(listed.KeyCount).toBe(0);
  });

  it("runs a multipart upload and aborts another", async () => {
    const { UploadId } = await s3.send(
      new CreateMultipartUploadCommand({
        Bucket: "uploads",
        Key: "big.bin",
        ContentType: "application/x-test",
      }),
    );
    expect(UploadId).toBeTruthy();
    const partOne = Buffer.alloc(64 * 1024, 1);
    const partTwo = Buffer.from("tail");
    const parts = [];
    for (const [index, body] of [partOne, partTwo].entries()) {
      const part = await s3.send(
        new UploadPartCommand({
          Bucket: "uploads",
          Key: "big.bin",
          UploadId,
          PartNumber: index + 1,
          Body: body,
        }),
      );
      parts.push({ PartNumber: index + 1, ETag: part.ETag });
    }
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: "uploads",
        Key: "big.bin",
        UploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
    expect(done.ETag).toMatch(/^"[0-9a-f]{32}-2"$/);
    const head = await s3.send(new HeadObjectCommand({ Bucket: "uploads", Key: "big.bin" }));
    expect([head.ContentLength, head.ContentType]).toEqual([64 * 1024 + 4, "application/x-test"]);
    const tail = await s3.send(
      new GetObjectCommand({ Bucket: "uploads", Key: "big.bin", Range: "bytes=-4" }),
    );
    expect(await tail.Body?.transformToString()).toBe("tail");

    const aborted = await s3.send(new CreateMultipartUploadCommand({ Bucket: "uploads", Key: "never.bin" }));
    await s3.send(
      new AbortMultipartUploadCommand({ Bucket: "uploads", Key: "never.bin", UploadId: aborted.UploadId }),
    );
    const gone = await s3Error(
      s3.send(
        new UploadPartCommand({
          Bucket: "uploads",
          Key: "never.bin",
          UploadId: aborted.UploadId,
          PartNumber: 1,
          Body: "x",
        }),
      ),
    );
    expect([gone.name, gone.$metadata.httpStatusCode]).toEqual(["NoSuchUpload", 404]);
  });

  it("serves presigned GET and PUT URLs, and refuses a presigned URL that was changed", async () => {
    await s3.send(
      new PutObjectCommand({ Bucket: "uploads", Key: "shared/report.txt", Body: "for your eyes" }),
    );
    const url = await getSignedUrl(
      s3,
      new GetObjectCommand({ Bucket: "uploads", Key: "shared/report.txt" }),
      {
        expiresIn: 300,
      },
    );
    const got = await call(url);
    expect([got.status, got.text]).toEqual([200, "for your eyes"]);

    const tampered = await call(url.replace("report.txt", "other.txt"));
    expect(tampered.status).toBe(403);
    expect(tampered.text).toContain("<Code>SignatureDoesNotMatch</Code>");

    const putUrl = await getSignedUrl(
      s3,
      new PutObjectCommand({ Bucket: "uploads", Key: "shared/upload.txt" }),
      {
        expiresIn: 300,
      },
    );
    const put = await call(putUrl, { method: "PUT", body: "uploaded by URL" });
    expect(put.status).toBe(200);
    const check = await s3.send(new GetObjectCommand({ Bucket: "uploads", Key: "shared/upload.txt" }));
    expect(await check.Body?.transformToString()).toBe("uploaded by URL");
  });

  it("refuses a bad signature and an unknown access key with 403", async () => {
    const wrong = client({ ...credentials, secretAccessKey: `${credentials.secretAccessKey}x` });
    const bad = await s3Error(wrong.send(new GetObjectCommand({ Bucket: "uploads", Key: "readme.md" })));
    expect([bad.name, bad.$metadata.httpStatusCode]).toEqual(["SignatureDoesNotMatch", 403]);
    const badPut = await s3Error(
      wrong.send(new PutObjectCommand({ Bucket: "uploads", Key: "evil.txt", Body: "x" })),
    );
    expect(badPut.name).toBe("SignatureDoesNotMatch");
    wrong.destroy();

    const unknown = client({ accessKeyId: "AKIDONTEXIST", secretAccessKey: "nothing" });
    const refused = await s3Error(unknown.send(new ListBucketsCommand({})));
    expect([refused.name, refused.$metadata.httpStatusCode]).toEqual(["InvalidAccessKeyId", 403]);
    unknown.destroy();
    const list = await s3.send(new ListObjectsV2Command({ Bucket: "uploads", Prefix: "evil" }));
    expect(list.KeyCount).toBe(0);
  });

  it("keeps each tenant to its own buckets", async () => {
    await otherS3.send(new CreateBucketCommand({ Bucket: "mine" }));
    const theirs = await otherS3.send(new ListBucketsCommand({}));
    expect(theirs.Buckets?.map((b) => b.Name)).toEqual(["mine"]);
    const ours = await s3.send(new ListBucketsCommand({}));
    expect(ours.Buckets?.map((b) => b.Name)).toEqual(["uploads"]);

    const read = await s3Error(otherS3.send(new GetObjectCommand({ Bucket: "uploads", Key: "readme.md" })));
    expect([read.name, read.$metadata.httpStatusCode]).toEqual(["NoSuchBucket", 404]);
    const write = await s3Error(
      otherS3.send(new PutObjectCommand({ Bucket: "uploads", Key: "x", Body: "x" })),
    );
    expect(write.name).toBe("NoSuchBucket");
    const head = await s3Error(otherS3.send(new HeadBucketCommand({ Bucket: "uploads" })));
    expect(head.$metadata.httpStatusCode).toBe(404);
    const copy = await s3Error(
      otherS3.send(new CopyObjectCommand({ Bucket: "mine", Key: "stolen", CopySource: "uploads/readme.md" })),
    );
    expect(copy.$metadata.httpStatusCode).toBe(404);
    const api = await new AdminClient(server, server.defaultKey).call("GET", "/tenants/other/buckets");
    expect(api.status).toBe(403);

    await otherS3.send(new DeleteBucketCommand({ Bucket: "mine" }));
    expect((await otherS3.send(new ListBucketsCommand({}))).Buckets ?? []).toEqual([]);
  });
});
