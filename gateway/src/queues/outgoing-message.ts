// Untrusted queue messages and topic publications (from the admin API's JSON or from an isolate's binding call)
// checked and turned into what storage stores: bytes as base64, attributes validated, every field bounded.
import {
  isBase64,
  isJsonValue,
  LIMITS,
  parseMessageAttributes,
  QUEUE_LIMITS,
  queueMessageBytes,
  SkiffError,
} from "@skiff/core";
import type { PublishInput, QueueMessageInput } from "@skiff/storage";
import { z } from "zod";
import { parseRequest } from "../admin/schemas.js";

const id = z
  .string()
  .regex(/^[\x21-\x7e]+$/, "visible ASCII")
  .max(QUEUE_LIMITS.idChars);

/** One message as the API takes it: `body` any JSON (a string for text, base64 text for bytes). */
export const messageSchema = z.strictObject({
  body: z.unknown().refine((body) => body !== undefined, "a message needs a body"),
  contentType: z.enum(["json", "text", "bytes", "v8"]).optional(),
  delaySeconds: z.number().int().min(0).max(QUEUE_LIMITS.delaySeconds.max).optional(),
  groupId: id.optional(),
  deduplicationId: id.optional(),
  attributes: z.unknown().optional(),
});

export const publishSchema = z.strictObject({
  message: z.unknown().refine((message) => message !== undefined, "publish needs a message"),
  attributes: z.unknown().optional(),
  groupId: id.optional(),
});

/** Drops null options (the isolate sends absent ones as null); `keep` (the body itself) may be null. */
function withoutNulls(value: unknown, keep: string): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    return value;
  }
  return Object.fromEntries(
    Object.entries(value).filter(([k, v]) => k === keep || (v !== null && v !== undefined)),
  );
}

/**
 * Checks one untrusted message. A bytes body may be base64 text (the API) or bytes (a binding call). Throws
 * `INVALID_REQUEST` naming the problem.
 */
export function parseQueueMessage(raw: unknown, what = "message"): QueueMessageInput {
  const input = withoutNulls(raw, "body");
  const bytes = (input as { body?: unknown } | null)?.body;
  const parsed = parseRequest(
    messageSchema,
    bytes instanceof Uint8Array ? { ...(input as object), body: "" } : input,
    what,
  );
  const contentType = parsed.contentType ?? (bytes instanceof Uint8Array ? "bytes" : "json");
  let body: unknown = parsed.body;
  if (contentType === "bytes") {
    if (bytes instanceof Uint8Array) body = Buffer.from(bytes).toString("base64");
    else if (typeof body !== "string" || !isBase64(body)) {
      throw new SkiffError("INVALID_REQUEST", `invalid ${what}: a bytes body is base64 text`);
    }
  } else if (bytes instanceof Uint8Array) {
    throw new SkiffError("INVALID_REQUEST", `invalid ${what}: a body of bytes needs contentType "bytes"`);
  } else if (contentType === "text" && typeof body !== "string") {
    throw new SkiffError("INVALID_REQUEST", `invalid ${what}: a text body is a string`);
  } else if (!isJsonValue(body)) {
    throw new SkiffError("INVALID_REQUEST", `invalid ${what}: the body is not a JSON value`);
  }
  const attributes = parseMessageAttributes(parsed.attributes);
  return {
    body,
    contentType,
    ...(Object.keys(attributes).length === 0 ? {} : { attributes }),
    ...(parsed.delaySeconds === undefined ? {} : { delaySeconds: parsed.delaySeconds }),
    ...(parsed.groupId === undefined ? {} : { groupId: parsed.groupId }),
    ...(parsed.deduplicationId === undefined ? {} : { deduplicationId: parsed.deduplicationId }),
  };
}

/** The messages of a send: a list of 1–100 raw messages. */
export function parseQueueMessages(raw: unknown): QueueMessageInput[] {
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > QUEUE_LIMITS.sendBatchMessages) {
    throw new SkiffError("INVALID_REQUEST", `a send holds 1-${QUEUE_LIMITS.sendBatchMessages} messages`);
  }
  return raw.map((message, i) => parseQueueMessage(message, `message ${i}`));
}

/** A publication: a JSON message of at most 256 KB with its attributes. */
export function parsePublication(raw: unknown): PublishInput {
  const parsed = parseRequest(publishSchema, withoutNulls(raw, "message"), "publication");
  if (!isJsonValue(parsed.message)) {
    throw new SkiffError("INVALID_REQUEST", "invalid publication: the message is not a JSON value");
  }
  const attributes = parseMessageAttributes(parsed.attributes);
  const size = queueMessageBytes(parsed.message, "json", attributes);
  if (size > LIMITS.asyncPayloadBytes) {
    throw new SkiffError(
      "PAYLOAD_TOO_LARGE",
      `a publication of ${size} bytes is over the limit of ${LIMITS.asyncPayloadBytes} bytes`,
    );
  }
  return {
    message: parsed.message,
    attributes,
    ...(parsed.groupId === undefined ? {} : { groupId: parsed.groupId }),
  };
}
