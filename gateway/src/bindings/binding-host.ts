// Serves tenant code's binding calls in the main process, which owns storage (DESIGN §2: "binding calls cross
// back to the main process"). The call was checked against the version's bindings by the supervisor; here every
// argument from the isolate is validated, the tenant is always the version's own, and writes need read-write.
import { type BucketBinding, type KvBinding, LIMITS, SkiffError } from "@skiff/core";
import type { BindingCall, BindingHost } from "@skiff/runtime";
import type { ObjectInfo, Storage, WriteContext } from "@skiff/storage";
import type { MessageProducer } from "../queues/message-producer.js";
import type { StoredBytesGuard } from "../quotas/stored-bytes-guard.js";
import { serveMessageBinding } from "./message-bindings.js";
import { type ServiceBindingDeps, serveServiceBinding } from "./service-binding.js";

export interface BindingHostOptions {
  storage: Pick<Storage, "objects" | "kv">;
  now: () => number;
  /** Largest object a binding may write, bytes. */
  maxObjectBytes: number;
  /** Told what each write notified (see notificationReporter). */
  onNotified?: WriteContext["onNotified"];
  /** The tenants' maxStoredBytes quota, checked before each object or KV write; absent: no quota. */
  storedBytes?: Pick<StoredBytesGuard, "assertRoom">;
  /** Queue sends and topic publications; asked lazily, as the gateway that owns it is made after the runtime. */
  messages?: () => MessageProducer | undefined;
  /**
   * Service binding calls: the routing table, runtime and record path they need. Asked lazily: the runtime is made
   * with this host, before the guarded runtime and the gateway that own them exist.
   */
  services?: () => ServiceBindingDeps | undefined;
}

const KV_VALUE_BYTES = 25 * 1024 * 1024;

function str(value: unknown, what: string, max = 1024): string {
  if (typeof value !== "string" || value.length === 0 || Buffer.byteLength(value) > max) {
    throw new SkiffError("INVALID_REQUEST", `${what} must be a string of 1-${max} bytes`);
  }
  return value;
}

function optionalStr(value: unknown, what: string): string | undefined {
  return value === null || value === undefined ? undefined : str(value, what);
}

function bytes(value: unknown, what: string, max: number): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new SkiffError("INVALID_REQUEST", `${what} must be bytes`);
  if (value.byteLength > max)
    throw new SkiffError("PAYLOAD_TOO_LARGE", `${what} is larger than ${max} bytes`);
  return value;
}

function plainObject(info: ObjectInfo) {
  return {
    key: info.key,
    size: info.size,
    etag: info.etag,
    contentType: info.contentType,
    metadata: info.metadata,
    lastModified: info.lastModified,
  };
}

async function collect(body: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const part of body) parts.push(part);
  return Buffer.concat(parts);
}

export function createBindingHost(options: BindingHostOptions): BindingHost {
  const { storage, now } = options;

  async function bucket(call: BindingCall, binding: BucketBinding): Promise<unknown> {
    const tenant = call.version.tenant;
    const args = (call.args ?? {}) as Record<string, unknown>;
    const write = (action: "PutObject" | "DeleteObject") => {
      if (binding.access !== "read-write") {
        throw new SkiffError("FORBIDDEN", `binding ${binding.name} may only read bucket ${binding.bucket}`);
      }
      return {
        now: now(),
        action,
        ...(call.chain === undefined ? {} : { chain: call.chain }),
        ...(options.onNotified === undefined ? {} : { onNotified: options.onNotified }),
      };
    };
    switch (call.op) {
      case "head": {
        const info = await storage.objects.head(tenant, binding.bucket, str(args.key, "key"));
        return info === undefined ? null : plainObject(info);
      }
      case "get": {
        const key = str(args.key, "key");
        const range = args.range as
          | { offset?: unknown; length?: unknown; suffix?: unknown }
          | null
          | undefined;
        let byteRange: { start: number; end: number } | undefined;
        if (range !== null && range !== undefined) {
          const head = await storage.objects.head(tenant, binding.bucket, key);
          if (head === undefined) return null;
          const size = head.size;
          if (typeof range.suffix === "number")
            byteRange = { start: Math.max(0, size - range.suffix), end: size - 1 };
          else {
            const start = typeof range.offset === "number" ? range.offset : 0;
            const length = typeof range.length === "number" ? range.length : size - start;
            byteRange = { start, end: Math.min(size - 1, start + length - 1) };
          }
        }
        const found = await storage.objects.get(tenant, binding.bucket, key, byteRange);
        if (found === undefined) return null;
        return { info: plainObject(found.info), body: await collect(found.body) };
      }
      case "put": {
        const context = write("PutObject");
        const metadata = (args.metadata ?? {}) as Record<string, unknown>;
        const key = str(args.key, "key");
        const body = bytes(args.body, "the object", options.maxObjectBytes);
        await options.storedBytes?.assertRoom(
          tenant,
          body.byteLength,
          async () => (await storage.objects.head(tenant, binding.bucket, key))?.size ?? 0,
        );
        const info = await storage.objects.put(
          tenant,
          binding.bucket,
          key,
          {
            body,
            ...(optionalStr(args.contentType, "contentType") === undefined
              ? {}
              : { contentType: args.contentType as string }),
            metadata: Object.fromEntries(
              Object.entries(metadata).map(([k, v]) => [str(k, "metadata name", 256), String(v)]),
            ),
            maxBytes: options.maxObjectBytes,
          },
          context,
        );
        return plainObject(info);
      }
      case "delete": {
        const keys = args.keys;
        if (!Array.isArray(keys) || keys.length > 1000)
          throw new SkiffError("INVALID_REQUEST", "keys must be a list of at most 1000");
        for (const key of keys)
          await storage.objects.delete(tenant, binding.bucket, str(key, "key"), write("DeleteObject"));
        return null;
      }
      case "list": {
        const limit =
          typeof args.limit === "number" ? Math.max(1, Math.min(1000, Math.floor(args.limit))) : 1000;
        const prefix = optionalStr(args.prefix, "prefix");
        const delimiter = optionalStr(args.delimiter, "delimiter");
        const after = optionalStr(args.cursor, "cursor");
        const result = await storage.objects.list(tenant, binding.bucket, {
          limit,
          ...(prefix === undefined ? {} : { prefix }),
          ...(delimiter === undefined ? {} : { delimiter }),
          ...(after === undefined ? {} : { after }),
        });
        return {
          objects: result.objects.map(plainObject),
          truncated: result.truncated,
          cursor: result.nextAfter ?? null,
          delimitedPrefixes: result.commonPrefixes,
        };
      }
      default:
        throw new SkiffError("INVALID_REQUEST", `buckets have no operation "${call.op}"`);
    }
  }

  async function kv(call: BindingCall, binding: KvBinding): Promise<unknown> {
    const tenant = call.version.tenant;
    const args = (call.args ?? {}) as Record<string, unknown>;
    const at = now();
    switch (call.op) {
      case "get": {
        const entry = await storage.kv.get(tenant, binding.namespace, str(args.key, "key", 512), at);
        return entry === undefined ? null : { value: entry.value, metadata: entry.metadata };
      }
      case "put": {
        const seconds = Math.floor(at / 1000);
        const ttl = typeof args.expirationTtl === "number" ? args.expirationTtl : undefined;
        const absolute = typeof args.expiration === "number" ? args.expiration : undefined;
        if (ttl !== undefined && ttl < 60)
          throw new SkiffError("INVALID_REQUEST", "expirationTtl is at least 60 seconds");
        const expiration = absolute ?? (ttl === undefined ? undefined : seconds + Math.floor(ttl));
        const metadata = args.metadata === null || args.metadata === undefined ? undefined : args.metadata;
        if (metadata !== undefined && JSON.stringify(metadata).length > 1024) {
          throw new SkiffError("INVALID_REQUEST", "KV metadata is at most 1024 bytes of JSON");
        }
        const key = str(args.key, "key", 512);
        const value = bytes(args.value, "the value", KV_VALUE_BYTES);
        // A replaced value is not subtracted: finding its size would mean reading it (up to 25 MB).
        await options.storedBytes?.assertRoom(tenant, value.byteLength);
        await storage.kv.put(
          tenant,
          binding.namespace,
          key,
          value,
          {
            ...(expiration === undefined ? {} : { expiration }),
            ...(metadata === undefined ? {} : { metadata }),
          },
          at,
        );
        return null;
      }
      case "delete":
        await storage.kv.delete(tenant, binding.namespace, str(args.key, "key", 512));
        return null;
      case "list": {
        const limit =
          typeof args.limit === "number" ? Math.max(1, Math.min(1000, Math.floor(args.limit))) : 1000;
        const prefix = optionalStr(args.prefix, "prefix");
        const cursor = optionalStr(args.cursor, "cursor");
        const result = await storage.kv.list(
          tenant,
          binding.namespace,
          { limit, ...(prefix === undefined ? {} : { prefix }), ...(cursor === undefined ? {} : { cursor }) },
          at,
        );
        return { keys: result.keys, cursor: result.cursor ?? null, complete: result.complete };
      }
      default:
        throw new SkiffError("INVALID_REQUEST", `KV namespaces have no operation "${call.op}"`);
    }
  }

  return async (call) => {
    switch (call.binding.type) {
      case "bucket":
        return bucket(call, call.binding);
      case "kv":
        return kv(call, call.binding);
      case "queue":
      case "topic":
        return serveMessageBinding(call, call.binding, options.messages?.());
      case "service":
        return serveServiceBinding(call, call.binding, options.services?.());
    }
  };
}

export const DEFAULT_MAX_OBJECT_BYTES = LIMITS.objectBytes;
