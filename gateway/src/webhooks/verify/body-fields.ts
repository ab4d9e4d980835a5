// Reading a delivery's id and type out of a body, for the providers that put them there rather than in headers.
import { providerField, utf8Text } from "./signature.js";

export interface BodyFields {
  /** Reads a top-level string field, or null. */
  get(name: string): string | null;
}

const NONE: BodyFields = { get: () => null };

/**
 * The top-level fields of a JSON object body, or of a form body (Slack's interactive requests carry their JSON in
 * a `payload` field, slash commands are plain form fields). Anything else has no fields. Only called on a body
 * whose signature was verified, so parsing it costs nothing an attacker chooses.
 */
export function bodyFields(body: Uint8Array): BodyFields {
  const text = utf8Text(body);
  if (text === undefined || text.length === 0) return NONE;
  const json = parseObject(text);
  if (json !== undefined) return fromObject(json);
  if (!/^[^=&\s]+=/.test(text)) return NONE;
  const form = new URLSearchParams(text);
  const payload = form.get("payload");
  const nested = payload === null ? undefined : parseObject(payload);
  if (nested !== undefined) return fromObject(nested);
  return { get: (name) => providerField(form.get(name)) };
}

function fromObject(object: Record<string, unknown>): BodyFields {
  return { get: (name) => (Object.hasOwn(object, name) ? providerField(object[name]) : null) };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
