// Issue 5, items 3 and 4: "upload a file → a function processes it" on the real server, with the official S3
// SDK. A PutObject triggers a Lambda handler that reads the object through its binding and writes a derived
// object; Workers `queue()` consumers get R2-shaped messages for puts, copies and multipart uploads; prefix and
// suffix filters; deletes; batching; per-message retry; the recursion guard's 16 hops and dead letter.
import { createHash } from "node:crypto";
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Collector, type Report, startCollector } from "./collector.js";
import { AdminClient, waitFor } from "./skiff-api.js";
import { type SkiffServer, startSkiff } from "./skiff-server.js";
import {
  createBucket,
  deadLetters,
  headObject,
  issueS3Credentials,
  mustDeploy,
  objectText,
  s3Client,
  setRules,
} from "./storage-helpers.js";

let collector: Collector;
let server: SkiffServer;
let admin: AdminClient;
let s3: S3Client;

beforeAll(async () => {
  collector = await startCollector();
  server = await startSkiff({ env: { SKIFF_EGRESS_ALLOW: collector.hostPort } });
  admin = new AdminClient(server, server.defaultKey);
  s3 = s3Client(server, await issueS3Credentials(admin));
});

afterAll(async () => {
  s3?.destroy();
  expect(await server?.stop()).toBe(0);
  await collector?.close();
});

const md5 = (text: string | Buffer) => createHash("md5").update(text).digest("hex");

/** Quick retries, so a test that exercises them does not wait a minute. */
const FAST_RETRIES = { maxAttempts: 3, minBackoffMs: 100 };

/** The collector's reports whose body has `label`, in arrival order. */
const reportsOf = (label: string): Report[] => collector.reports.filter((r) => r.body.label === label);

/**
 * A Workers consumer that reports every message it gets (id `label:key:attempt`), then acks it — or, if the
 * message's key is listed in `retryKeys` and this is its first attempt, retries it with the listed options.
 */
const REPORTING_CONSUMER = (label: string, retryKeys: Record<string, unknown> = {}) => `
const RETRY = ${JSON.stringify(retryKeys)};
export default {
  async queue(batch, env, ctx) {
    const batchId = crypto.randomUUID();
    for (const message of batch.messages) {
      await fetch(env.COLLECTOR, {
        method: "POST",
        body: JSON.stringify({
          id: ${JSON.stringify(label)} + ":" + message.body.object.key + ":" + message.attempts,
          label: ${JSON.stringify(label)},
          batchId,
          batchSize: batch.messages.length,
          messageId: message.id,
          attempts: message.attempts,
          timestamp: message.timestamp.getTime(),
          body: message.body,
        }),
      });
      const key = message.body.object.key;
      if (key in RETRY && message.attempts === 1) message.retry(RETRY[key]);
      else message.ack();
    }
  },
};`;

/** The keys of each queue() invocation a label's reports came from, in arrival order. */
function batchesOf(label: string): string[][] {
  const batches = new Map<string, string[]>();
  for (const r of reportsOf(label)) {
    batches.set(r.body.batchId, [...(batches.get(r.body.batchId) ?? []), r.body.body.object.key]);
  }
  return [...batches.values()];
}

/** Keys a label's reports name, in arrival order. */
const reportedKeys = (label: string): string[] => reportsOf(label).map((r) => r.body.body.object.key);

describe("upload → process", () => {
  it("runs a Lambda handler on PutObject that reads the upload through its binding and writes a derived object", async () => {
    await createBucket(admin, "uploads");
    await createBucket(admin, "thumbs");
    // As an AWS handler is written: the key arrives URL-encoded with '+' for spaces.
    await mustDeploy(
      admin,
      "thumbnailer",
      `export const handler = async (event, context) => {
        const report = (body) =>
          fetch(${JSON.stringify(collector.url)}, { method: "POST", body: JSON.stringify({ label: "thumbnailer", ...body }) });
        await report({ id: "event:" + context.awsRequestId, event });
        try {
          const env = context.env;
          for (const record of event.Records) {
            const key = decodeURIComponent(record.s3.object.key.replace(/\\+/g, " "));
            const object = await env.UPLOADS.get(key);
            const text = await object.text();
            await env.THUMBS.put("derived/" + key.slice("images/".length), text.toUpperCase(), {
              httpMetadata: { contentType: "text/plain" },
              customMetadata: { source: key, "source-etag": record.s3.object.eTag },
            });
          }
        } catch (error) {
          await report({ id: "error:" + context.awsRequestId, error: String(error && error.stack || error) });
          throw error;
        }
      };`,
      {
        async: FAST_RETRIES,
        bindings: [
          { type: "bucket", name: "UPLOADS", bucket: "uploads", access: "read" },
          { type: "bucket", name: "THUMBS", bucket: "thumbs", access: "read-write" },
        ],
      },
    );
    await setRules(admin, "uploads", [
      { events: ["object-create"], prefix: "images/", function: "thumbnailer", maxWaitMs: 0 },
    ]);

    const put = await s3.send(
      new PutObjectCommand({
        Bucket: "uploads",
        Key: "images/cat.txt",
        Body: "a small cat",
        ContentType: "text/plain",
      }),
    );
    expect(put.ETag).toBe(`"${md5("a small cat")}"`);

    const derived = await waitFor(
      "derived/cat.txt in thumbs",
      async () => {
        const failed = reportsOf("thumbnailer").find((r) => r.body.error !== undefined);
        if (failed) throw new Error(`the handler failed: ${failed.body.error}`);
        return objectText(s3, "thumbs", "derived/cat.txt");
      },
      15_000,
    );
    expect(derived).toBe("A SMALL CAT");
    const head = await headObject(s3, "thumbs", "derived/cat.txt");
    expect(head).toMatchObject({
      ContentType: "text/plain",
      Metadata: { source: "images/cat.txt", "source-etag": md5("a small cat") },
    });

    // The S3 event the handler got, as AWS sends it.
    const [delivery] = reportsOf("thumbnailer").filter((r) => r.body.event !== undefined);
    expect(delivery?.body.event.Records).toHaveLength(1);
    const record = delivery?.body.event.Records[0];
    expect(record).toMatchObject({
      eventVersion: "2.1",
      eventSource: "aws:s3",
      eventName: "ObjectCreated:Put",
      s3: {
        bucket: { name: "uploads" },
        object: { key: "images/cat.txt", size: 11, eTag: md5("a small cat") },
      },
    });
    expect(record.s3.object.sequencer).toMatch(/^[0-9A-F]+$/);
    expect(Number.isNaN(Date.parse(record.eventTime))).toBe(false);

    // A key with a space and a non-ASCII letter: encoded in the event, decoded by the handler.
    await s3.send(new PutObjectCommand({ Bucket: "uploads", Key: "images/my cät.txt", Body: "second" }));
    expect(
      await waitFor(
        "derived/my cät.txt in thumbs",
        () => objectText(s3, "thumbs", "derived/my cät.txt"),
        15_000,
      ),
    ).toBe("SECOND");
    const second = reportsOf("thumbnailer")
      .flatMap((r) => r.body.event?.Records ?? [])
      .find((r: { s3: { object: { key: string } } }) => r.s3.object.key !== "images/cat.txt");
    expect(second.s3.object.key).toBe(`images/my+${encodeURIComponent("cät")}.txt`);
    // Sequencers of one bucket grow with its writes.
    expect(second.s3.object.sequencer > record.s3.object.sequencer).toBe(true);
    // Writing the derived objects notified nothing (thumbs has no rules); the handler ran once per upload.
    expect(reportsOf("thumbnailer").filter((r) => r.body.error !== undefined)).toEqual([]);
  });

  it("gives a Workers queue() consumer R2-shaped messages for PutObject, CopyObject and a multipart upload", async () => {
    await createBucket(admin, "inbox");
    await mustDeploy(admin, "r2-consumer", REPORTING_CONSUMER("r2"), {
      vars: { COLLECTOR: collector.url },
      async: FAST_RETRIES,
    });
    await setRules(admin, "inbox", [{ events: ["object-create"], function: "r2-consumer", maxWaitMs: 0 }]);

    await s3.send(new PutObjectCommand({ Bucket: "inbox", Key: "docs/a.txt", Body: "hello" }));
    const byKey = (key: string) =>
      waitFor(`the message for ${key}`, async () =>
        reportsOf("r2").find((r) => r.body.body.object.key === key),
      );
    const put = await byKey("docs/a.txt");
    expect(put.body.body).toEqual({
      account: "default",
      action: "PutObject",
      bucket: "inbox",
      object: { key: "docs/a.txt", size: 5, eTag: md5("hello") },
      eventTime: expect.any(String),
    });
    expect(new Date(put.body.body.eventTime).toISOString()).toBe(put.body.body.eventTime);
    expect(put.body.attempts).toBe(1);
    expect(typeof put.body.messageId).toBe("string");

    await s3.send(
      new CopyObjectCommand({ Bucket: "inbox", Key: "docs/b.txt", CopySource: "inbox/docs/a.txt" }),
    );
    const copy = await byKey("docs/b.txt");
    expect(copy.body.body).toEqual({
      account: "default",
      action: "CopyObject",
      bucket: "inbox",
      object: { key: "docs/b.txt", size: 5, eTag: md5("hello") },
      eventTime: expect.any(String),
      copySource: { bucket: "inbox", object: "docs/a.txt" },
    });

    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: "inbox", Key: "big.bin" }));
    const parts = [];
    for (const [index, body] of [Buffer.alloc(6000, 7), Buffer.from("tail")].entries()) {
      const part = await s3.send(
        new UploadPartCommand({
          Bucket: "inbox",
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
        Bucket: "inbox",
        Key: "big.bin",
        UploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
    const multipart = await byKey("big.bin");
    expect(multipart.body.body).toMatchObject({
      action: "CompleteMultipartUpload",
      bucket: "inbox",
      object: { key: "big.bin", size: 6004, eTag: done.ETag?.replaceAll('"', "") },
    });
    // One message per write; the upload's parts notified nothing.
    expect(reportedKeys("r2")).toEqual(["docs/a.txt", "docs/b.txt", "big.bin"]);
    expect(await deadLetters(admin, "r2-consumer")).toEqual([]);
  });
});

describe("filters and deletes", () => {
  it("notifies only keys that match the rule's prefix and suffix", async () => {
    await createBucket(admin, "filtered");
    // One delivery at a time, so that a message queued before a control write is delivered before it.
    await mustDeploy(admin, "filter-sink", REPORTING_CONSUMER("filter"), {
      vars: { COLLECTOR: collector.url },
      concurrency: 1,
      async: FAST_RETRIES,
    });
    await setRules(admin, "filtered", [
      { events: ["object-create"], prefix: "images/", suffix: ".jpg", function: "filter-sink", maxWaitMs: 0 },
    ]);

    const put = (key: string) => s3.send(new PutObjectCommand({ Bucket: "filtered", Key: key, Body: key }));
    for (const key of [
      "images/a.png",
      "docs/b.jpg",
      "images.jpg",
      "Images/c.jpg",
      "images/d.jpg.txt",
      "x/images/e.jpg",
    ])
      await put(key);
    await put("images/control-1.jpg");
    await waitFor("the first control write's message", async () =>
      reportedKeys("filter").includes("images/control-1.jpg") ? true : undefined,
    );
    // A second round: anything a non-matching write had queued would have come before this one.
    await put("images/sub/control-2.jpg");
    await s3.send(new DeleteObjectCommand({ Bucket: "filtered", Key: "images/control-1.jpg" }));
    await put("images/control-3.jpg");
    await waitFor("the last control write's message", async () =>
      reportedKeys("filter").includes("images/control-3.jpg") ? true : undefined,
    );
    // The delete matched the filters but the rule asks only for object-create.
    expect(reportedKeys("filter")).toEqual([
      "images/control-1.jpg",
      "images/sub/control-2.jpg",
      "images/control-3.jpg",
    ]);
    expect(reportsOf("filter").map((r) => r.body.body.action)).toEqual([
      "PutObject",
      "PutObject",
      "PutObject",
    ]);
  });

  it("sends ObjectRemoved:Delete for a DeleteObject, and nothing for a delete of a missing key", async () => {
    await createBucket(admin, "trash");
    await mustDeploy(
      admin,
      "delete-sink",
      `export const handler = async (event, context) => {
        for (const record of event.Records) {
          await fetch(${JSON.stringify(collector.url)}, {
            method: "POST",
            body: JSON.stringify({ id: "delete:" + record.s3.object.key, label: "delete", record }),
          });
        }
      };`,
      { concurrency: 1, async: FAST_RETRIES },
    );
    await setRules(admin, "trash", [{ events: ["object-delete"], function: "delete-sink", maxWaitMs: 0 }]);

    // Creating notifies nothing: the rule asks only for deletes.
    await s3.send(new PutObjectCommand({ Bucket: "trash", Key: "old report.txt", Body: "old" }));
    await s3.send(new PutObjectCommand({ Bucket: "trash", Key: "b.txt", Body: "b" }));
    await s3.send(new DeleteObjectCommand({ Bucket: "trash", Key: "old report.txt" }));
    const deleted = await waitFor("the delete's record", async () =>
      reportsOf("delete").find((r) => r.body.record.s3.object.key === "old+report.txt"),
    );
    expect(deleted.body.record).toMatchObject({
      eventVersion: "2.1",
      eventName: "ObjectRemoved:Delete",
      s3: { bucket: { name: "trash" }, object: { key: "old+report.txt" } },
    });
    // S3 sends neither size nor eTag for a delete.
    expect(Object.keys(deleted.body.record.s3.object).sort()).toEqual(["key", "sequencer"]);

    // A missing key: S3 answers 204 all the same, but nothing was removed, so nothing is notified.
    await s3.send(new DeleteObjectCommand({ Bucket: "trash", Key: "never-there.txt" }));
    // DeleteObjects: one key that exists, one that does not.
    await s3.send(
      new DeleteObjectsCommand({
        Bucket: "trash",
        Delete: { Objects: [{ Key: "b.txt" }, { Key: "also-never-there.txt" }] },
      }),
    );
    await s3.send(new PutObjectCommand({ Bucket: "trash", Key: "control.txt", Body: "c" }));
    await s3.send(new DeleteObjectCommand({ Bucket: "trash", Key: "control.txt" }));
    await waitFor("the control delete's record", async () =>
      reportsOf("delete").some((r) => r.body.record.s3.object.key === "control.txt") ? true : undefined,
    );
    expect(reportsOf("delete").map((r) => [r.body.record.eventName, r.body.record.s3.object.key])).toEqual([
      ["ObjectRemoved:Delete", "old+report.txt"],
      ["ObjectRemoved:Delete", "b.txt"],
      ["ObjectRemoved:Delete", "control.txt"],
    ]);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: "trash" }));
    expect(listed.KeyCount).toBe(0);
  });
});

describe("delivery", () => {
  it("batches quick uploads into one queue() invocation of up to batchSize messages", async () => {
    await createBucket(admin, "batched");
    await mustDeploy(admin, "batch-sink", REPORTING_CONSUMER("batch"), {
      vars: { COLLECTOR: collector.url },
      async: FAST_RETRIES,
    });
    // A window far longer than five uploads take: the batch fills before it closes.
    await setRules(admin, "batched", [
      { events: ["object-create"], function: "batch-sink", batchSize: 5, maxWaitMs: 10_000 },
    ]);
    const keys = ["one", "two", "three", "four", "five"].map((n) => `batch/${n}.txt`);
    await Promise.all(
      keys.map((key) => s3.send(new PutObjectCommand({ Bucket: "batched", Key: key, Body: key }))),
    );

    await waitFor(
      "all five messages",
      async () => (keys.every((k) => reportedKeys("batch").includes(k)) ? true : undefined),
      30_000,
    );
    const batches = batchesOf("batch");
    // Fewer invocations than uploads; with a window this long, exactly one, of all five messages.
    expect(batches.length).toBeLessThan(5);
    expect(batches.map((batch) => [...batch].sort())).toEqual([[...keys].sort()]);
    expect(reportsOf("batch").map((r) => r.body.batchSize)).toEqual([5, 5, 5, 5, 5]);
  });

  it("lets uploads that trickle in within maxWaitMs join the batch the first one opened", {
    timeout: 60_000,
  }, async () => {
    await createBucket(admin, "trickle");
    await mustDeploy(admin, "trickle-sink", REPORTING_CONSUMER("trickle"), {
      vars: { COLLECTOR: collector.url },
      async: FAST_RETRIES,
    });
    await setRules(admin, "trickle", [
      { events: ["object-create"], function: "trickle-sink", batchSize: 5, maxWaitMs: 10_000 },
    ]);
    const keys = ["one", "two", "three", "four", "five"].map((n) => `trickle/${n}.txt`);
    for (const [i, key] of keys.entries()) {
      // The load under test: uploads arriving spread over about 1.5 s, well inside the 10 s window (this pause
      // shapes the traffic; it waits for no condition).
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 350));
      await s3.send(new PutObjectCommand({ Bucket: "trickle", Key: key, Body: key }));
    }
    await waitFor(
      "all five messages",
      async () => (keys.every((k) => reportedKeys("trickle").includes(k)) ? true : undefined),
      40_000,
    );
    // The batch filled within its window: one invocation with all five, not one per poll of the queue.
    expect(batchesOf("trickle")).toEqual([keys]);
  });

  it("delivers again only the message a consumer retries, with attempts 2", async () => {
    await createBucket(admin, "retried");
    await mustDeploy(
      admin,
      "retry-sink",
      REPORTING_CONSUMER("retry", { "retry-me.txt": {}, "retry-later.txt": { delaySeconds: 1 } }),
      { vars: { COLLECTOR: collector.url }, async: FAST_RETRIES },
    );
    // Batched together, so the retries are decided per message, not per invocation.
    await setRules(admin, "retried", [
      { events: ["object-create"], function: "retry-sink", batchSize: 3, maxWaitMs: 2000 },
    ]);
    const keys = ["retry-me.txt", "fine.txt", "retry-later.txt"];
    for (const key of keys) await s3.send(new PutObjectCommand({ Bucket: "retried", Key: key, Body: key }));

    await waitFor(
      "both retried messages delivered a second time",
      async () =>
        collector.count("retry:retry-me.txt:2") > 0 && collector.count("retry:retry-later.txt:2") > 0
          ? true
          : undefined,
      20_000,
    );
    const first = reportsOf("retry").filter((r) => r.body.attempts === 1);
    expect(first.map((r) => r.body.body.object.key)).toEqual(keys);
    const again = reportsOf("retry").filter((r) => r.body.attempts === 2);
    expect(again.map((r) => r.body.body.object.key).sort()).toEqual(["retry-later.txt", "retry-me.txt"]);
    // The same message (id and body) comes back; the acked one never does.
    for (const key of ["retry-me.txt", "retry-later.txt"]) {
      const [one, two] = reportsOf("retry").filter((r) => r.body.body.object.key === key);
      expect(two?.body.messageId).toBe(one?.body.messageId);
      expect(two?.body.body).toEqual(one?.body.body);
    }
    expect(collector.count("retry:fine.txt:1")).toBe(1);
    expect(collector.count("retry:fine.txt:2")).toBe(0);
    expect(await deadLetters(admin, "retry-sink")).toEqual([]);
  });

  it("retries a consumer that throws and dead-letters the notification after maxAttempts", async () => {
    await createBucket(admin, "doomed");
    await mustDeploy(
      admin,
      "throws",
      `export default {
        async queue(batch, env) {
          for (const m of batch.messages) {
            await fetch(env.COLLECTOR, {
              method: "POST",
              body: JSON.stringify({ id: "throws:" + m.body.object.key, label: "throws", attempts: m.attempts }),
            });
          }
          throw new Error("cannot process " + batch.messages.map((m) => m.body.object.key).join());
        },
      };`,
      { vars: { COLLECTOR: collector.url }, async: { maxAttempts: 2, minBackoffMs: 100 } },
    );
    await setRules(admin, "doomed", [{ events: ["object-create"], function: "throws", maxWaitMs: 0 }]);
    await s3.send(new PutObjectCommand({ Bucket: "doomed", Key: "bad.txt", Body: "bad" }));

    const [letter] = await waitFor(
      "the dead letter",
      async () => {
        const list = await deadLetters(admin, "throws");
        return list.length > 0 ? list : undefined;
      },
      20_000,
    );
    expect(letter).toMatchObject({ kind: "storage", attempts: 2, reason: "maxAttempts" });
    expect(letter?.lastError).toMatch(/cannot process bad\.txt/);
    expect(reportsOf("throws").map((r) => r.body.attempts)).toEqual([1, 2]);
    // The object itself stays: a failed notification does not undo the write.
    expect(await objectText(s3, "doomed", "bad.txt")).toBe("bad");
  });
});

describe("recursion guard", () => {
  /** Copies each new object `gen-N` of bucket `loop…` to `gen-N+1`, up to `gen-limit`. */
  const COPIER = (label: string, limit: number) => `
export default {
  async queue(batch, env) {
    for (const message of batch.messages) {
      const key = message.body.object.key;
      await fetch(env.COLLECTOR, {
        method: "POST",
        body: JSON.stringify({ id: ${JSON.stringify(label)} + ":" + key, label: ${JSON.stringify(label)}, key }),
      });
      const n = Number(key.slice("gen-".length));
      if (n >= ${limit}) continue;
      const object = await env.LOOP.get(key);
      await env.LOOP.put("gen-" + (n + 1), await object.text());
    }
  },
};`;

  it("stops a function that writes into its own trigger bucket after 16 hops, with a recursionLimit dead letter", {
    timeout: 60_000,
  }, async () => {
    await createBucket(admin, "loop");
    await mustDeploy(admin, "looper", COPIER("loop", 1000), {
      vars: { COLLECTOR: collector.url },
      async: FAST_RETRIES,
      bindings: [{ type: "bucket", name: "LOOP", bucket: "loop", access: "read-write" }],
    });
    await setRules(admin, "loop", [{ events: ["object-create"], function: "looper", maxWaitMs: 0 }]);
    await s3.send(new PutObjectCommand({ Bucket: "loop", Key: "gen-0", Body: "seed" }));

    const [letter] = await waitFor(
      "the recursionLimit dead letter",
      async () => {
        const list = await deadLetters(admin, "looper");
        return list.length > 0 ? list : undefined;
      },
      30_000,
    );
    expect(letter).toMatchObject({ kind: "storage", reason: "recursionLimit" });
    expect(letter?.lastError).toMatch(/16/);
    // The 17th notified write: its notification is the one stopped.
    expect(letter?.payload.messages[0].body.object.key).toBe("gen-16");

    // The upload and 16 writes by the function exist; the function ran 16 times and no more.
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: "loop" }));
    const expected = Array.from({ length: 17 }, (_, n) => `gen-${n}`);
    expect(listed.Contents?.map((o) => o.Key).sort()).toEqual([...expected].sort());
    expect(reportsOf("loop").map((r) => r.body.key)).toEqual(expected.slice(0, 16));
    expect(await deadLetters(admin, "looper")).toHaveLength(1);
  });

  it("logs the stop, naming the function", async () => {
    // Runs after the test above; the server's own output says why the chain ended.
    await waitFor("the dead letter of the previous test", async () =>
      (await deadLetters(admin, "looper")).length > 0 ? true : undefined,
    );
    const output = server.stdout() + server.stderr();
    expect(output).toMatch(/recurs/i);
    const line = output.split("\n").find((l) => /recurs/i.test(l));
    expect(line).toContain("looper");
  });

  it("lets a chain go past 16 hops when the rule sets allowRecursion", { timeout: 60_000 }, async () => {
    await createBucket(admin, "loop-ok");
    await mustDeploy(admin, "looper-ok", COPIER("loop-ok", 20), {
      vars: { COLLECTOR: collector.url },
      async: FAST_RETRIES,
      bindings: [{ type: "bucket", name: "LOOP", bucket: "loop-ok", access: "read-write" }],
    });
    await setRules(admin, "loop-ok", [
      { events: ["object-create"], function: "looper-ok", maxWaitMs: 0, allowRecursion: true },
    ]);
    await s3.send(new PutObjectCommand({ Bucket: "loop-ok", Key: "gen-0", Body: "seed" }));
    await waitFor(
      "the function's own stop at gen-20",
      async () => (collector.count("loop-ok:gen-20") > 0 ? true : undefined),
      30_000,
    );
    expect(await objectText(s3, "loop-ok", "gen-20")).toBe("seed");
    expect(reportsOf("loop-ok").map((r) => r.body.key)).toEqual(
      Array.from({ length: 21 }, (_, n) => `gen-${n}`),
    );
    expect(await deadLetters(admin, "looper-ok")).toEqual([]);
  });
});
