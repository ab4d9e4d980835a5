// Workers' MessageBatch: what `queue(batch, env, ctx)` receives. Explicit ack/retry per message; messages
// neither acked nor retried are acknowledged when the handler succeeds and retried when it throws.
import type { PlainQueueEvent, PlainQueueMessage } from "../invocation-events.js";

interface Decision {
  retry: boolean;
  delaySeconds?: number;
}

function delayOf(options: unknown): number | undefined {
  const delay = (options as { delaySeconds?: unknown } | undefined)?.delaySeconds;
  if (delay === undefined) return undefined;
  if (typeof delay !== "number" || !Number.isFinite(delay) || delay < 0 || delay > 43_200) {
    throw new RangeError("delaySeconds must be a number from 0 to 43200");
  }
  return Math.floor(delay);
}

/** A bytes message's body as Workers gives it: an ArrayBuffer (it travels as base64 text). */
function bodyOf(message: PlainQueueMessage): unknown {
  if (message.contentType !== "bytes" || typeof message.body !== "string") return message.body;
  const binary = atob(message.body);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

export function messageBatch(event: PlainQueueEvent) {
  const decisions = new Map<string, Decision>();
  const decide = (id: string, decision: Decision) => {
    if (!decisions.has(id)) decisions.set(id, decision);
  };
  const messages = event.messages.map((message) =>
    Object.freeze({
      id: message.id,
      timestamp: new Date(message.timestamp),
      body: bodyOf(message),
      attempts: message.attempts,
      ...(message.attributes === undefined ? {} : { attributes: message.attributes }),
      ack: () => decide(message.id, { retry: false }),
      retry: (options?: unknown) => {
        const delaySeconds = delayOf(options);
        decide(message.id, { retry: true, ...(delaySeconds === undefined ? {} : { delaySeconds }) });
      },
    }),
  );
  const batch = Object.freeze({
    queue: event.queue,
    messages: Object.freeze(messages),
    ackAll: () => {
      for (const m of event.messages) decide(m.id, { retry: false });
    },
    retryAll: (options?: unknown) => {
      const delaySeconds = delayOf(options);
      for (const m of event.messages)
        decide(m.id, { retry: true, ...(delaySeconds === undefined ? {} : { delaySeconds }) });
    },
  });
  /** The messages to retry, given whether the handler succeeded. */
  const retries = (succeeded: boolean) =>
    event.messages.flatMap((m) => {
      const decision = decisions.get(m.id) ?? { retry: !succeeded };
      if (!decision.retry) return [];
      return [
        { id: m.id, ...(decision.delaySeconds === undefined ? {} : { delaySeconds: decision.delaySeconds }) },
      ];
    });
  return { batch, retries };
}
