// Buckets, their objects and notification rules, and KV namespaces, as the admin API answers them.
import { z } from "zod";
import { epochMs, jsonValue } from "./common.js";

export const bucket = z
  .strictObject({ tenant: z.string(), name: z.string(), createdAt: epochMs })
  .meta({ id: "Bucket", description: "A bucket of objects." });

export const objectSummary = z
  .strictObject({
    key: z.string(),
    size: z.number().int(),
    etag: z.string().meta({ description: "MD5 hex of the content, unquoted." }),
    contentType: z.string().nullable(),
    lastModified: epochMs,
  })
  .meta({ id: "ObjectSummary", description: "What the admin API shows of an object." });

export const objectPage = z.strictObject({
  objects: z.array(objectSummary),
  commonPrefixes: z.array(z.string()),
  truncated: z.boolean(),
  next: z.string().nullable().meta({ description: "Pass as `after` for the next page; null on the last." }),
});

export const notificationRule = z
  .strictObject({
    events: z.array(z.enum(["object-create", "object-delete"])),
    prefix: z.string().optional(),
    suffix: z.string().optional(),
    function: z.string(),
    batchSize: z.number().int().optional(),
    maxWaitMs: z.number().int().optional(),
    allowRecursion: z.boolean().optional(),
  })
  .meta({ id: "NotificationRule", description: "Which writes to a bucket notify which function." });

export const kvKey = z.strictObject({
  name: z.string(),
  expiration: z.number().int().nullable().meta({ description: "Epoch seconds, or null." }),
  metadata: jsonValue,
});

export const kvKeyPage = z.strictObject({
  keys: z.array(kvKey),
  cursor: z.string().nullable(),
  complete: z.boolean(),
});

export const kvPutResult = z.strictObject({
  key: z.string(),
  size: z.number().int(),
  expiration: z.number().int().nullable().meta({ description: "Epoch seconds, or null." }),
  metadata: jsonValue,
});
