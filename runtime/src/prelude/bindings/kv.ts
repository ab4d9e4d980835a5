// `env.KV` for a KV binding: the Workers KV API (get with type, getWithMetadata, put, delete, list).
import { bytesOf, callBinding } from "./call.js";

type ValueType = "text" | "json" | "arrayBuffer" | "stream";

function typeOf(options: unknown): ValueType {
  const type =
    typeof options === "string" ? options : ((options as { type?: unknown } | undefined)?.type ?? "text");
  if (type !== "text" && type !== "json" && type !== "arrayBuffer" && type !== "stream") {
    throw new TypeError(`unknown KV value type "${String(type)}": use text, json, arrayBuffer or stream`);
  }
  return type;
}

function decode(bytes: Uint8Array, type: ValueType): unknown {
  switch (type) {
    case "text":
      return new TextDecoder().decode(bytes);
    case "json":
      return JSON.parse(new TextDecoder().decode(bytes));
    case "arrayBuffer":
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    case "stream":
      return new Response(bytes as BodyInit).body;
  }
}

function keyOf(key: unknown): string {
  if (typeof key !== "string" || key.length === 0) throw new TypeError("a KV key is a non-empty string");
  return key;
}

export class KVNamespace {
  readonly #name: string;

  constructor(name: string) {
    this.#name = name;
  }

  async get(key: string, options?: unknown): Promise<unknown> {
    return (await this.getWithMetadata(key, options)).value;
  }

  async getWithMetadata(key: string, options?: unknown): Promise<{ value: unknown; metadata: unknown }> {
    const type = typeOf(options);
    const found = (await callBinding(this.#name, "get", { key: keyOf(key) })) as {
      value: Uint8Array;
      metadata: unknown;
    } | null;
    if (found === null) return { value: null, metadata: null };
    return { value: decode(found.value, type), metadata: found.metadata ?? null };
  }

  async put(
    key: string,
    value: unknown,
    options: { expiration?: number; expirationTtl?: number; metadata?: unknown } = {},
  ): Promise<void> {
    await callBinding(this.#name, "put", {
      key: keyOf(key),
      value: await bytesOf(value),
      expiration: options.expiration ?? null,
      expirationTtl: options.expirationTtl ?? null,
      metadata: options.metadata === undefined ? null : JSON.parse(JSON.stringify(options.metadata)),
    });
  }

  async delete(key: string): Promise<void> {
    await callBinding(this.#name, "delete", { key: keyOf(key) });
  }

  async list(options: { prefix?: string; limit?: number; cursor?: string } = {}): Promise<{
    keys: Array<{ name: string; expiration?: number; metadata?: unknown }>;
    list_complete: boolean;
    cursor?: string;
  }> {
    const result = (await callBinding(this.#name, "list", {
      prefix: options.prefix ?? null,
      limit: options.limit ?? null,
      cursor: options.cursor ?? null,
    })) as {
      keys: Array<{ name: string; expiration: number | null; metadata: unknown }>;
      cursor: string | null;
      complete: boolean;
    };
    return {
      keys: result.keys.map((k) => ({
        name: k.name,
        ...(k.expiration === null ? {} : { expiration: k.expiration }),
        ...(k.metadata === null || k.metadata === undefined ? {} : { metadata: k.metadata }),
      })),
      list_complete: result.complete,
      ...(result.cursor === null ? {} : { cursor: result.cursor }),
    };
  }
}
