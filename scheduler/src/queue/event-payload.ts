// Async events are stored as JSON: an InvocationEvent's bytes (HTTP bodies) travel base64-encoded.
import { type InvocationEvent, SkiffError } from "@skiff/core";

type Stored = Record<string, unknown> & { kind: string };

export function encodeEvent(event: InvocationEvent): unknown {
  if (event.kind !== "http") return event;
  return { ...event, body: event.body === null ? null : Buffer.from(event.body).toString("base64") };
}

export function decodeEvent(payload: unknown): InvocationEvent {
  const stored = payload as Stored;
  if (typeof stored !== "object" || stored === null || typeof stored.kind !== "string") {
    throw new SkiffError("INTERNAL_ERROR", "stored event payload is not an event");
  }
  if (stored.kind !== "http") return stored as unknown as InvocationEvent;
  const body = stored.body;
  return {
    ...(stored as unknown as InvocationEvent & { kind: "http" }),
    body: typeof body === "string" ? new Uint8Array(Buffer.from(body, "base64")) : null,
  };
}
