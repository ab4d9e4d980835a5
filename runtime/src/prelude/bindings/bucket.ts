// `env.BUCKET` for a bucket binding: the R2 Workers API subset (head, get, put, delete, list).
import { bytesOf, callBinding } from "./call.js";

interface HostObject {
  key: string;
  size: number;
  etag: string;
  contentType: string | null;
  metadata: Record<string, string>;
  lastModified: number;
}

class R2Object {
  readonly key: string;
  readonly version: string;
  readonly size: number;
  readonly etag: string;
  readonly httpEtag: string;
  readonly uploaded: Date;
  readonly httpMetadata: { contentType?: string };
  readonly customMetadata: Record<string, string>;
  readonly checksums = {};
  readonly storageClass = "Standard";

  constructor(info: HostObject) {
    this.key = info.key;
    this.version = info.etag;
    this.size = info.size;
    this.etag = info.etag;
    this.httpEtag = `"${info.etag}"`;
    this.uploaded = new Date(info.lastModified);
    this.httpMetadata = info.contentType === null ? {} : { contentType: info.contentType };
    this.customMetadata = { ...info.metadata };
  }

  writeHttpMetadata(headers: Headers): void {
    if (this.httpMetadata.contentType !== undefined)
      headers.set("content-type", this.httpMetadata.contentType);
  }
}

class R2ObjectBody extends R2Object {
  readonly #response: Response;

  constructor(info: HostObject, bytes: Uint8Array) {
    super(info);
    this.#response = new Response(bytes as BodyInit);
  }

  get body(): ReadableStream<Uint8Array> {
    return this.#response.body as ReadableStream<Uint8Array>;
  }

  get bodyUsed(): boolean {
    return this.#response.bodyUsed;
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return this.#response.arrayBuffer();
  }

  text(): Promise<string> {
    return this.#response.text();
  }

  json<T>(): Promise<T> {
    return this.#response.json() as Promise<T>;
  }

  blob(): Promise<Blob> {
    return this.#response.blob();
  }
}

function keyOf(key: unknown): string {
  if (typeof key !== "string") throw new TypeError("an object key is a string");
  return key;
}

export class R2Bucket {
  readonly #name: string;

  constructor(name: string) {
    this.#name = name;
  }

  async head(key: string): Promise<R2Object | null> {
    const info = (await callBinding(this.#name, "head", { key: keyOf(key) })) as HostObject | null;
    return info === null ? null : new R2Object(info);
  }

  async get(
    key: string,
    options: { range?: { offset?: number; length?: number; suffix?: number } } = {},
  ): Promise<R2ObjectBody | null> {
    const found = (await callBinding(this.#name, "get", {
      key: keyOf(key),
      range: options.range ?? null,
    })) as {
      info: HostObject;
      body: Uint8Array;
    } | null;
    return found === null ? null : new R2ObjectBody(found.info, found.body);
  }

  async put(
    key: string,
    value: unknown,
    options: {
      httpMetadata?: { contentType?: string } | Headers;
      customMetadata?: Record<string, string>;
    } = {},
  ): Promise<R2Object> {
    const metadata = options.httpMetadata;
    const contentType = metadata instanceof Headers ? metadata.get("content-type") : metadata?.contentType;
    const info = (await callBinding(this.#name, "put", {
      key: keyOf(key),
      body: await bytesOf(value),
      contentType: contentType ?? null,
      metadata: { ...(options.customMetadata ?? {}) },
    })) as HostObject;
    return new R2Object(info);
  }

  async delete(keys: string | string[]): Promise<void> {
    const list = Array.isArray(keys) ? keys.map(keyOf) : [keyOf(keys)];
    await callBinding(this.#name, "delete", { keys: list });
  }

  async list(
    options: { prefix?: string; cursor?: string; limit?: number; delimiter?: string } = {},
  ): Promise<{ objects: R2Object[]; truncated: boolean; cursor?: string; delimitedPrefixes: string[] }> {
    const result = (await callBinding(this.#name, "list", {
      prefix: options.prefix ?? null,
      cursor: options.cursor ?? null,
      limit: options.limit ?? null,
      delimiter: options.delimiter ?? null,
    })) as { objects: HostObject[]; truncated: boolean; cursor: string | null; delimitedPrefixes: string[] };
    return {
      objects: result.objects.map((info) => new R2Object(info)),
      truncated: result.truncated,
      ...(result.cursor === null ? {} : { cursor: result.cursor }),
      delimitedPrefixes: result.delimitedPrefixes,
    };
  }
}
