// Issue 5, "Tests that must exist": SIGKILL during a burst of 100 uploads to a bucket with a notification rule,
// restart on the same data dir. Every upload the SDK saw acknowledged exists with its bytes and is notified (at
// least once, for exactly that write); an upload cut off by the crash is either absent or complete and notified;
// nothing that is not stored was ever notified.
import { createHash } from "node:crypto";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { checkIntegrity, DATABASE_FILE } from "@skiff/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Collector, startCollector } from "./collector.js";
import { AdminClient, waitFor } from "./skiff-api.js";
import { type SkiffServer, startSkiff } from "./skiff-server.js";
import {
  createBucket,
  issueS3Credentials,
  mustDeploy,
  objectBytes,
  type S3Credentials,
  s3Client,
  setRules,
} from "./storage-helpers.js";

const UPLOADS = 100;
const CONCURRENCY = 10;
/** Acknowledged uploads before the kill: the burst is well under way, most of it still to come. */
const KILL_AFTER = 30;

let collector: Collector;
let server: SkiffServer;
let dataDir: string;
let credentials: S3Credentials;

function start(): Promise<SkiffServer> {
  return startSkiff({
    keepDataDir: true,
    ...(dataDir === undefined ? {} : { dataDir }),
    // A short lease, so notifications leased by the killed process are delivered again within the test.
    env: { SKIFF_EGRESS_ALLOW: collector.hostPort, SKIFF_EVENT_LEASE_MS: "2000" },
  });
}

beforeAll(async () => {
  collector = await startCollector();
  server = await start();
  dataDir = server.dataDir;
  const admin = new AdminClient(server, server.defaultKey);
  credentials = await issueS3Credentials(admin);
  await createBucket(admin, "burst");
  // Records each notified write: its key and the eTag the notification carries.
  await mustDeploy(
    admin,
    "recorder",
    `export default {
      async queue(batch, env) {
        for (const message of batch.messages) {
          const answer = await fetch(env.COLLECTOR, {
            method: "POST",
            body: JSON.stringify({
              id: message.body.object.key,
              action: message.body.action,
              etag: message.body.object.eTag,
              size: message.body.object.size,
            }),
          });
          if (!answer.ok) throw new Error("the collector answered " + answer.status);
        }
      },
    };`,
    { vars: { COLLECTOR: collector.url }, concurrency: 10, async: { maxAttempts: 10, minBackoffMs: 100 } },
  );
  await setRules(admin, "burst", [
    { events: ["object-create"], function: "recorder", batchSize: 10, maxWaitMs: 50 },
  ]);
});

afterAll(async () => {
  await server?.stop();
  await collector?.close();
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
});

/** Upload n's bytes: a different size and content for each, tens of KB, so uploads take a moment. */
function bodyOf(n: number): Buffer {
  const size = 20_000 + ((n * 7919) % 60_000);
  const body = Buffer.alloc(size);
  for (let i = 0; i < size; i++) body[i] = (n * 31 + i * 17) % 256;
  return body;
}

const keyOf = (n: number) => `burst/${String(n).padStart(3, "0")}.bin`;
const md5 = (bytes: Buffer) => createHash("md5").update(bytes).digest("hex");

/** Each report's eTag is the eTag of the write it stands for; the key's stored object is that write. */
function notifiedEtags(key: string): string[] {
  return collector.reports.filter((r) => r.body.id === key).map((r) => r.body.etag);
}

describe("a server killed during a burst of uploads", () => {
  it("keeps every acknowledged upload, whole, and notifies it after the restart", {
    timeout: 120_000,
  }, async () => {
    const s3: S3Client = s3Client(server, credentials);
    const acknowledged = new Map<number, string>();
    const failed = new Set<number>();
    let killing: Promise<unknown> | undefined;
    let next = 0;
    const lane = async () => {
      while (next < UPLOADS) {
        const n = next++;
        try {
          const put = await s3.send(
            new PutObjectCommand({ Bucket: "burst", Key: keyOf(n), Body: bodyOf(n) }),
          );
          acknowledged.set(n, put.ETag ?? "");
        } catch {
          failed.add(n);
        }
        if (acknowledged.size >= KILL_AFTER && killing === undefined) killing = server.kill("SIGKILL");
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, lane));
    s3.destroy();
    expect(killing).toBeDefined();
    expect((await killing) as { signal: string }).toMatchObject({ signal: "SIGKILL" });
    // The kill landed inside the burst: some uploads were acknowledged, the rest were cut off or refused.
    expect(acknowledged.size).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(acknowledged.size + failed.size).toBe(UPLOADS);
    expect(failed.size).toBeGreaterThan(0);
    // What the SDK saw acknowledged carried the right ETag.
    for (const [n, etag] of acknowledged) expect(etag).toBe(`"${md5(bodyOf(n))}"`);
    // The database as the kill left it (its WAL included) is whole.
    expect(checkIntegrity(join(dataDir, DATABASE_FILE))).toBe("ok");

    server = await start();
    // And again once the restarted server has recovered it and runs on it.
    expect(checkIntegrity(join(dataDir, DATABASE_FILE))).toBe("ok");
    const after = s3Client(server, credentials);
    try {
      // Every acknowledged upload is stored whole.
      for (const n of acknowledged.keys()) {
        const bytes = await objectBytes(after, "burst", keyOf(n));
        expect(bytes === undefined ? `${keyOf(n)} missing` : md5(bytes)).toBe(md5(bodyOf(n)));
      }
      // An upload cut off by the crash is absent, or present whole (committed just before the kill).
      const present = new Set(acknowledged.keys());
      for (const n of failed) {
        const bytes = await objectBytes(after, "burst", keyOf(n));
        if (bytes === undefined) continue;
        expect([keyOf(n), md5(bytes)]).toEqual([keyOf(n), md5(bodyOf(n))]);
        present.add(n);
      }
      // The bucket holds exactly those objects: no partial or stray ones.
      const listed = await after.send(new ListObjectsV2Command({ Bucket: "burst", MaxKeys: 1000 }));
      expect(listed.IsTruncated).toBe(false);
      expect(listed.Contents?.map((o) => o.Key).sort()).toEqual([...present].map(keyOf).sort());

      // Every stored object is notified, for its own write, within a deadline.
      await waitFor(
        "a notification for every stored upload",
        async () => ([...present].every((n) => collector.count(keyOf(n)) > 0) ? true : undefined),
        60_000,
      );
      for (const n of present) {
        const etags = notifiedEtags(keyOf(n));
        expect([keyOf(n), [...new Set(etags)]]).toEqual([keyOf(n), [md5(bodyOf(n))]]);
      }
      // Nothing that is not stored was notified: a write that failed never notifies.
      const notifiedKeys = new Set(collector.reports.map((r) => r.body.id));
      expect([...notifiedKeys].sort()).toEqual([...present].map(keyOf).sort());
      expect(collector.reports.every((r) => r.body.action === "PutObject")).toBe(true);
    } finally {
      after.destroy();
    }
  });
});
