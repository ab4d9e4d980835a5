// The Skiff HTTP API as typed calls; commands never build URLs or read HTTP responses themselves.
import type { Readable } from "node:stream";
import type { FunctionConfigInput, InvocationRecord, TenantQuotas, TenantUsage } from "@skiff/core";
import type {
  ObjectSummary as ApiObjectSummary,
  Bucket,
  QuotasAnswer,
  UsageReport,
} from "@skiff/gateway/api-types";
import { createParser } from "eventsource-parser";
import { Agent, type Dispatcher, request } from "undici";
import { ApiError, ServerUnreachableError } from "./api-error.js";
import { CliError } from "./cli-error.js";
import { readInvocationRecord } from "./logs/read-record.js";
import type {
  CreateQueueRequest,
  PublishInfo,
  PublishRequest,
  QueueConsumerInfo,
  QueueConsumerRequest,
  QueueInfo,
  QueueMessageRequest,
  SentMessageInfo,
  SubscriptionInfo,
  SubscriptionRequest,
  TopicInfo,
} from "./queue-types.js";

export interface ClientOptions {
  url: string;
  token?: string | undefined;
  /** Injected in tests; by default the client owns an Agent that `close()` ends. */
  dispatcher?: Dispatcher;
}

/** A module of a `modules` upload: UTF-8 text, or bytes as base64 (the only form for `.wasm`). */
export type DeployModule = string | { base64: string };

/**
 * The body of a deploy: one module as `code` (main `index.js` unless `main` names it), or several as `modules`
 * with `main`; `secrets` are stored with the version and never come back.
 */
export type DeployRequest = (
  | { code: string; main?: string; modules?: never }
  | { modules: Record<string, DeployModule>; main: string; code?: never }
) & {
  config: FunctionConfigInput;
  secrets?: Record<string, string>;
};

export interface DeployResult {
  function: { name: string } & Record<string, unknown>;
  version: { number: number } & Record<string, unknown>;
}

export interface FunctionSummary {
  name: string;
  activeVersion: number | null;
  updatedAt: number | null;
}

export interface InvokeRequest {
  method: string;
  /** Path below the function's mount, with an optional query string. */
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array | undefined;
}

export interface InvokeResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
}

export type BucketInfo = Pick<Bucket, "name" | "createdAt">;

/** `etag`: the MD5 hex of the content, unquoted. */
export type ObjectSummary = ApiObjectSummary;

export interface ListObjectsQuery {
  prefix?: string | undefined;
  delimiter?: string | undefined;
  /** Continue after this key: the `next` of the previous page. */
  after?: string | undefined;
  limit?: number | undefined;
}

export interface ObjectPage {
  objects: ObjectSummary[];
  commonPrefixes: string[];
  /** Pass as `after` for the next page; null on the last one. */
  next: string | null;
}

/** An object's bytes as they stream in, with what the server said of them. */
export interface ObjectDownload {
  contentType: string | undefined;
  size: number | undefined;
  etag: string | undefined;
  body: AsyncIterable<Uint8Array>;
}

/** An upload body: bytes in memory, or a stream (a file, stdin) with its size when known. */
export interface ObjectUpload {
  body: Uint8Array | Readable;
  size?: number | undefined;
  contentType?: string | undefined;
}

export interface KvValue {
  value: Uint8Array;
  metadata: unknown;
  /** Epoch seconds, or null. */
  expiration: number | null;
}

export interface KvPutOptions {
  /** Seconds from now, at least 60. */
  ttlSeconds?: number | undefined;
  /** Epoch seconds, at least 60 s from now. */
  expiration?: number | undefined;
  metadata?: unknown;
}

export interface KvKeyInfo {
  name: string;
  expiration: number | null;
  metadata: unknown;
}

export interface KvPage {
  keys: KvKeyInfo[];
  /** Pass as `cursor` for the next page; null when `complete`. */
  cursor: string | null;
  complete: boolean;
}

export type WebhookProviderName = "github" | "stripe" | "slack" | "standard" | "hmac-sha256";

export interface CreateWebhookRequest {
  provider: WebhookProviderName;
  secret: string;
  mode?: "async" | "sync";
  signatureHeader?: string;
  toleranceSeconds?: number;
}

export interface WebhookInfo {
  id: string;
  provider: string;
  mode: string;
  signatureHeader: string | null;
  toleranceSeconds: number;
  createdAt: number;
  /** The public URL senders post to, absolute (on the server the client talks to). */
  url: string;
}

export interface WebhookDeliveryInfo {
  id: string;
  receivedAt: number;
  providerDeliveryId: string | null;
  eventType: string | null;
  verification: string;
  failureReason: string | null;
  status: string;
  invocationId: string | null;
  attempts: number;
}

export type ApiKeyRoleName = "admin" | "deploy" | "read";

/** What the server shows of an API key: never the key itself, which is shown once at creation. */
export interface ApiKeyInfo {
  id: string;
  role: string;
  /** The key's first characters, to recognise it. */
  prefix: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

/** Filters of a function's logs, passed to the server as they are (it validates them). */
export interface LogsQuery {
  /** Epoch ms or a duration back from now: `10m`, `2h`. */
  since?: string | undefined;
  /** The least severe level wanted. */
  level?: string | undefined;
  /** Outcomes, comma-separated. */
  outcome?: string | undefined;
  limit?: number | undefined;
}

/** What a live follow hands over as the server sends it. */
export interface LogFollowHandlers {
  onInvocation(record: InvocationRecord): void;
  /** The server dropped `dropped` records for this reader (it fell behind); `total` since it started. */
  onDropped?(dropped: number, total: number): void;
  /** Stored records asked for with `since` are sent; live ones follow. */
  onReady?(): void;
}

/** The calls commands make; {@link SkiffClient} is the HTTP implementation, tests pass fakes. */
export interface SkiffApi {
  deployFunction(tenant: string, name: string, input: DeployRequest): Promise<DeployResult>;
  listFunctions(tenant: string): Promise<FunctionSummary[]>;
  invoke(tenant: string, name: string, input: InvokeRequest): Promise<InvokeResponse>;
  createBucket(tenant: string, name: string): Promise<BucketInfo>;
  listBuckets(tenant: string): Promise<BucketInfo[]>;
  deleteBucket(tenant: string, name: string, options?: { force?: boolean }): Promise<void>;
  listObjects(tenant: string, bucket: string, query?: ListObjectsQuery): Promise<ObjectPage>;
  putObject(tenant: string, bucket: string, key: string, upload: ObjectUpload): Promise<ObjectSummary>;
  getObject(tenant: string, bucket: string, key: string): Promise<ObjectDownload>;
  deleteObject(tenant: string, bucket: string, key: string): Promise<void>;
  createKvNamespace(tenant: string, name: string): Promise<void>;
  listKvNamespaces(tenant: string): Promise<string[]>;
  deleteKvNamespace(tenant: string, name: string): Promise<void>;
  kvGet(tenant: string, namespace: string, key: string): Promise<KvValue>;
  kvPut(
    tenant: string,
    namespace: string,
    key: string,
    value: Uint8Array,
    options?: KvPutOptions,
  ): Promise<void>;
  kvList(
    tenant: string,
    namespace: string,
    query?: { prefix?: string | undefined; cursor?: string | undefined; limit?: number | undefined },
  ): Promise<KvPage>;
  kvDelete(tenant: string, namespace: string, key: string): Promise<void>;
  createWebhook(tenant: string, name: string, input: CreateWebhookRequest): Promise<WebhookInfo>;
  listWebhooks(tenant: string, name: string): Promise<WebhookInfo[]>;
  deleteWebhook(tenant: string, name: string, id: string): Promise<void>;
  listWebhookDeliveries(
    tenant: string,
    name: string,
    id: string,
    limit?: number,
  ): Promise<WebhookDeliveryInfo[]>;
  /** The function's answer to the replayed request, whatever its status. */
  replayWebhookDelivery(tenant: string, name: string, id: string, delivery: string): Promise<InvokeResponse>;
  /** The new key (shown this once) and what the server keeps of it. */
  createApiKey(tenant: string, role: ApiKeyRoleName): Promise<{ key: string; apiKey: ApiKeyInfo }>;
  /** Newest first, revoked keys included. */
  listApiKeys(tenant: string): Promise<ApiKeyInfo[]>;
  /** Idempotent: revoking a revoked key succeeds. */
  revokeApiKey(tenant: string, id: string): Promise<void>;
  /** The tenant's quotas (null: unlimited) and what it uses now. */
  getQuotas(tenant: string): Promise<QuotasAnswer>;
  /** Changes the given quotas (the operator key only) and returns them all. */
  setQuotas(tenant: string, patch: Partial<TenantQuotas>): Promise<TenantQuotas>;
  createQueue(tenant: string, name: string, input: CreateQueueRequest): Promise<QueueInfo>;
  /** Each with its backlog (depth, in flight, oldest message's age) and consumer. */
  listQueues(tenant: string): Promise<QueueInfo[]>;
  /** Stored all or none; a duplicate (same deduplicationId within 5 minutes) answers the first one's id. */
  sendQueueMessages(
    tenant: string,
    queue: string,
    messages: QueueMessageRequest[],
  ): Promise<SentMessageInfo[]>;
  getQueue(tenant: string, queue: string): Promise<QueueInfo>;
  setQueueConsumer(tenant: string, queue: string, consumer: QueueConsumerRequest): Promise<QueueConsumerInfo>;
  removeQueueConsumer(tenant: string, queue: string): Promise<void>;
  createTopic(tenant: string, name: string): Promise<TopicInfo>;
  listTopics(tenant: string): Promise<TopicInfo[]>;
  subscribeToTopic(tenant: string, topic: string, input: SubscriptionRequest): Promise<SubscriptionInfo>;
  /** One delivery per matching subscription, stored in one transaction. */
  publishToTopic(tenant: string, topic: string, input: PublishRequest): Promise<PublishInfo>;
  /** The function's invocation records with their log lines, newest first. */
  listLogs(tenant: string, name: string, query?: LogsQuery): Promise<InvocationRecord[]>;
  /** One invocation record by id; ApiError NOT_FOUND once it has been pruned. */
  getInvocation(tenant: string, name: string, id: string): Promise<InvocationRecord>;
  /**
   * Follows the function's invocations live (Server-Sent Events) until `signal` aborts ("stopped") or the
   * server ends the stream ("ended"). With `since`, stored records come first, oldest first.
   */
  followLogs(
    tenant: string,
    name: string,
    query: LogsQuery,
    handlers: LogFollowHandlers,
    signal: AbortSignal,
  ): Promise<"stopped" | "ended">;
  /** Usage per function and in total over `[from, to)` (server defaults: this UTC month so far). */
  getUsage(tenant: string, range?: { from?: string; to?: string }): Promise<UsageReport>;
  close(): Promise<void>;
}

/** The header that carries a KV value's metadata as JSON, both ways. */
export const KV_METADATA_HEADER = "x-skiff-kv-metadata";
const KV_EXPIRATION_HEADER = "x-skiff-kv-expiration";

/**
 * @example
 * const client = new SkiffClient({ url: "http://127.0.0.1:8787", token });
 * const { version } = await client.deployFunction("default", "hello", { code, config: {} });
 * await client.close();
 */
export class SkiffClient implements SkiffApi {
  readonly #base: URL;
  readonly #token: string | undefined;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;

  constructor(options: ClientOptions) {
    this.#base = new URL(options.url);
    this.#token = options.token;
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.#dispatcher = options.dispatcher ?? new Agent();
  }

  /** Deploys a new version of a function and makes it active. */
  async deployFunction(tenant: string, name: string, input: DeployRequest): Promise<DeployResult> {
    const body = await this.#api("PUT", `/api/v1/tenants/${seg(tenant)}/functions/${seg(name)}`, input);
    if (!isRecord(body) || !isRecord(body.version) || typeof body.version.number !== "number") {
      throw new ApiError(200, "INVALID_ANSWER", "the server's deploy answer has no version number");
    }
    return body as unknown as DeployResult;
  }

  /** The tenant's functions, each with its active version. */
  async listFunctions(tenant: string): Promise<FunctionSummary[]> {
    const body = await this.#api("GET", `/api/v1/tenants/${seg(tenant)}/functions`);
    const list = Array.isArray(body) ? body : isRecord(body) ? body.functions : undefined;
    if (!Array.isArray(list)) {
      throw new ApiError(200, "INVALID_ANSWER", "the server's function list is not a list");
    }
    return list.filter(isRecord).map((item) => ({
      name: String(item.name),
      activeVersion: typeof item.activeVersion === "number" ? item.activeVersion : null,
      updatedAt: typeof item.updatedAt === "number" ? item.updatedAt : null,
    }));
  }

  /** Calls a function over the data plane and returns its answer as is, whatever the status. */
  async invoke(tenant: string, name: string, input: InvokeRequest): Promise<InvokeResponse> {
    const below = input.path.startsWith("/") ? input.path : `/${input.path}`;
    const answer = await this.#send(input.method, `/fn/${seg(tenant)}/${seg(name)}${below}`, {
      headers: input.headers,
      body: input.body,
    });
    return {
      status: answer.statusCode,
      headers: answer.headers,
      body: new Uint8Array(await answer.body.arrayBuffer()),
    };
  }

  async createBucket(tenant: string, name: string): Promise<BucketInfo> {
    const body = await this.#api("POST", `/api/v1/tenants/${seg(tenant)}/buckets`, { name });
    return bucketInfo(isRecord(body) ? body.bucket : undefined);
  }

  async listBuckets(tenant: string): Promise<BucketInfo[]> {
    const body = await this.#api("GET", `/api/v1/tenants/${seg(tenant)}/buckets`);
    return listOf(body, "buckets").map(bucketInfo);
  }

  /** Refused with CONFLICT while the bucket holds objects, unless `force`. */
  async deleteBucket(tenant: string, name: string, options: { force?: boolean } = {}): Promise<void> {
    await this.#api("DELETE", `${bucketPath(tenant, name)}${options.force ? "?force=1" : ""}`);
  }

  /** One page of the bucket's objects, in key order. */
  async listObjects(tenant: string, bucket: string, query: ListObjectsQuery = {}): Promise<ObjectPage> {
    const search = queryString({
      prefix: query.prefix,
      delimiter: query.delimiter,
      after: query.after,
      limit: query.limit?.toString(),
    });
    const body = await this.#api("GET", `${bucketPath(tenant, bucket)}/objects${search}`);
    if (!isRecord(body) || !Array.isArray(body.objects)) {
      throw new ApiError(200, "INVALID_ANSWER", "the server's object list is not a list");
    }
    return {
      objects: body.objects.map(objectSummary),
      commonPrefixes: Array.isArray(body.commonPrefixes) ? body.commonPrefixes.map(String) : [],
      next: typeof body.next === "string" ? body.next : null,
    };
  }

  /** Uploads an object, streaming a stream body; a declared `size` lets the server refuse it before it is sent. */
  async putObject(tenant: string, bucket: string, key: string, upload: ObjectUpload): Promise<ObjectSummary> {
    const headers = this.#headers({ accept: "application/json" });
    headers["content-type"] = upload.contentType ?? "application/octet-stream";
    const size = upload.body instanceof Uint8Array ? upload.body.byteLength : upload.size;
    if (size !== undefined) headers["content-length"] = String(size);
    const answer = await this.#send("PUT", objectPath(tenant, bucket, key), { headers, body: upload.body });
    const body = await readJsonAnswer(answer);
    return objectSummary(isRecord(body) ? body.object : undefined);
  }

  /** The object's bytes as a stream; the caller reads it to the end. */
  async getObject(tenant: string, bucket: string, key: string): Promise<ObjectDownload> {
    const answer = await this.#send("GET", objectPath(tenant, bucket, key), { headers: this.#headers({}) });
    if (answer.statusCode < 200 || answer.statusCode >= 300) await readJsonAnswer(answer);
    const length = header(answer, "content-length");
    const etag = header(answer, "etag");
    return {
      contentType: header(answer, "content-type"),
      size: length === undefined ? undefined : Number(length),
      etag: etag?.replace(/^"|"$/g, ""),
      body: answer.body,
    };
  }

  async deleteObject(tenant: string, bucket: string, key: string): Promise<void> {
    await this.#api("DELETE", objectPath(tenant, bucket, key));
  }

  async createKvNamespace(tenant: string, name: string): Promise<void> {
    await this.#api("POST", `/api/v1/tenants/${seg(tenant)}/kv`, { name });
  }

  async listKvNamespaces(tenant: string): Promise<string[]> {
    const body = await this.#api("GET", `/api/v1/tenants/${seg(tenant)}/kv`);
    return listOf(body, "namespaces").map((item) => String(isRecord(item) ? item.name : item));
  }

  async deleteKvNamespace(tenant: string, name: string): Promise<void> {
    await this.#api("DELETE", `${namespacePath(tenant, name)}`);
  }

  /** The value with its metadata and expiry; a missing or expired key is an ApiError NOT_FOUND. */
  async kvGet(tenant: string, namespace: string, key: string): Promise<KvValue> {
    const answer = await this.#send("GET", valuePath(tenant, namespace, key), { headers: this.#headers({}) });
    if (answer.statusCode < 200 || answer.statusCode >= 300) await readJsonAnswer(answer);
    const value = new Uint8Array(await answer.body.arrayBuffer());
    const metadata = header(answer, KV_METADATA_HEADER);
    const expiration = header(answer, KV_EXPIRATION_HEADER);
    return {
      value,
      metadata: metadata === undefined ? null : (parseJson(metadata) ?? null),
      expiration: expiration === undefined ? null : Number(expiration),
    };
  }

  async kvPut(
    tenant: string,
    namespace: string,
    key: string,
    value: Uint8Array,
    options: KvPutOptions = {},
  ): Promise<void> {
    const headers = this.#headers({ accept: "application/json", "content-type": "application/octet-stream" });
    if (options.metadata !== undefined) headers[KV_METADATA_HEADER] = asciiJson(options.metadata);
    const search = queryString({
      expiration_ttl: options.ttlSeconds?.toString(),
      expiration: options.expiration?.toString(),
    });
    const answer = await this.#send("PUT", `${valuePath(tenant, namespace, key)}${search}`, {
      headers,
      body: value,
    });
    await readJsonAnswer(answer);
  }

  async kvList(
    tenant: string,
    namespace: string,
    query: { prefix?: string | undefined; cursor?: string | undefined; limit?: number | undefined } = {},
  ): Promise<KvPage> {
    const search = queryString({
      prefix: query.prefix,
      cursor: query.cursor,
      limit: query.limit?.toString(),
    });
    const body = await this.#api("GET", `${namespacePath(tenant, namespace)}/keys${search}`);
    if (!isRecord(body) || !Array.isArray(body.keys)) {
      throw new ApiError(200, "INVALID_ANSWER", "the server's key list is not a list");
    }
    return {
      keys: body.keys.filter(isRecord).map((item) => ({
        name: String(item.name),
        expiration: typeof item.expiration === "number" ? item.expiration : null,
        metadata: item.metadata ?? null,
      })),
      cursor: typeof body.cursor === "string" ? body.cursor : null,
      complete: body.complete !== false,
    };
  }

  async kvDelete(tenant: string, namespace: string, key: string): Promise<void> {
    await this.#api("DELETE", valuePath(tenant, namespace, key));
  }

  async createWebhook(tenant: string, name: string, input: CreateWebhookRequest): Promise<WebhookInfo> {
    const body = await this.#api("POST", webhooksPath(tenant, name), input);
    return this.#webhookInfo(isRecord(body) ? body.webhook : undefined);
  }

  async listWebhooks(tenant: string, name: string): Promise<WebhookInfo[]> {
    const body = await this.#api("GET", webhooksPath(tenant, name));
    return listOf(body, "webhooks").map((item) => this.#webhookInfo(item));
  }

  async deleteWebhook(tenant: string, name: string, id: string): Promise<void> {
    await this.#api("DELETE", `${webhooksPath(tenant, name)}/${seg(id)}`);
  }

  async listWebhookDeliveries(
    tenant: string,
    name: string,
    id: string,
    limit?: number,
  ): Promise<WebhookDeliveryInfo[]> {
    const search = queryString({ limit: limit === undefined ? undefined : String(limit) });
    const body = await this.#api("GET", `${webhooksPath(tenant, name)}/${seg(id)}/deliveries${search}`);
    return listOf(body, "deliveries").map(deliveryInfo);
  }

  async replayWebhookDelivery(
    tenant: string,
    name: string,
    id: string,
    delivery: string,
  ): Promise<InvokeResponse> {
    const path = `${webhooksPath(tenant, name)}/${seg(id)}/deliveries/${seg(delivery)}/replay`;
    const answer = await this.#send("POST", path, { headers: this.#headers({}) });
    // The function ran when the answer names its invocation; anything else is the platform refusing.
    if (header(answer, "x-skiff-invocation-id") === undefined && answer.statusCode >= 300) {
      await readJsonAnswer(answer);
    }
    return {
      status: answer.statusCode,
      headers: answer.headers,
      body: new Uint8Array(await answer.body.arrayBuffer()),
    };
  }

  async createApiKey(tenant: string, role: ApiKeyRoleName): Promise<{ key: string; apiKey: ApiKeyInfo }> {
    const body = await this.#api("POST", `/api/v1/tenants/${seg(tenant)}/keys`, { role });
    if (!isRecord(body) || typeof body.key !== "string") {
      throw new ApiError(200, "INVALID_ANSWER", "the server's answer has no API key");
    }
    return { key: body.key, apiKey: apiKeyInfo(body.apiKey) };
  }

  async listApiKeys(tenant: string): Promise<ApiKeyInfo[]> {
    const body = await this.#api("GET", `/api/v1/tenants/${seg(tenant)}/keys`);
    return listOf(body, "keys").map(apiKeyInfo);
  }

  async revokeApiKey(tenant: string, id: string): Promise<void> {
    await this.#api("DELETE", `/api/v1/tenants/${seg(tenant)}/keys/${seg(id)}`);
  }

  async getQuotas(tenant: string): Promise<QuotasAnswer> {
    const body = await this.#api("GET", `/api/v1/tenants/${seg(tenant)}/quotas`);
    if (!isRecord(body) || !isRecord(body.quotas) || !isRecord(body.usage)) {
      throw new ApiError(200, "INVALID_ANSWER", "the server's answer has no quotas");
    }
    return { quotas: body.quotas as unknown as TenantQuotas, usage: body.usage as unknown as TenantUsage };
  }

  async getUsage(tenant: string, range: { from?: string; to?: string } = {}): Promise<UsageReport> {
    const query = new URLSearchParams();
    if (range.from !== undefined) query.set("from", range.from);
    if (range.to !== undefined) query.set("to", range.to);
    const search = query.size === 0 ? "" : `?${query}`;
    const body = await this.#api("GET", `/api/v1/tenants/${seg(tenant)}/usage${search}`);
    if (!isRecord(body) || !Array.isArray(body.functions) || !isRecord(body.totals)) {
      throw new ApiError(200, "INVALID_ANSWER", "the server's answer has no usage");
    }
    return body as unknown as UsageReport;
  }

  async setQuotas(tenant: string, patch: Partial<TenantQuotas>): Promise<TenantQuotas> {
    const body = await this.#api("PUT", `/api/v1/tenants/${seg(tenant)}/quotas`, patch);
    if (!isRecord(body) || !isRecord(body.quotas)) {
      throw new ApiError(200, "INVALID_ANSWER", "the server's answer has no quotas");
    }
    return body.quotas as unknown as TenantQuotas;
  }

  async createQueue(tenant: string, name: string, input: CreateQueueRequest): Promise<QueueInfo> {
    const body = await this.#api("POST", queuesPath(tenant), { name, ...input });
    return answerField<QueueInfo>(body, "queue", "name");
  }

  async listQueues(tenant: string): Promise<QueueInfo[]> {
    return listOf(await this.#api("GET", queuesPath(tenant)), "queues") as QueueInfo[];
  }

  async getQueue(tenant: string, queue: string): Promise<QueueInfo> {
    const body = await this.#api("GET", `${queuesPath(tenant)}/${seg(queue)}`);
    return answerField<QueueInfo>(body, "queue", "name");
  }

  async sendQueueMessages(
    tenant: string,
    queue: string,
    messages: QueueMessageRequest[],
  ): Promise<SentMessageInfo[]> {
    const body = await this.#api("POST", `${queuesPath(tenant)}/${seg(queue)}/messages`, { messages });
    return listOf(body, "messages") as SentMessageInfo[];
  }

  async setQueueConsumer(
    tenant: string,
    queue: string,
    consumer: QueueConsumerRequest,
  ): Promise<QueueConsumerInfo> {
    const body = await this.#api("PUT", `${queuesPath(tenant)}/${seg(queue)}/consumer`, consumer);
    return answerField<QueueConsumerInfo>(body, "consumer", "function");
  }

  async removeQueueConsumer(tenant: string, queue: string): Promise<void> {
    await this.#api("DELETE", `${queuesPath(tenant)}/${seg(queue)}/consumer`);
  }

  async createTopic(tenant: string, name: string): Promise<TopicInfo> {
    return answerField<TopicInfo>(await this.#api("POST", topicsPath(tenant), { name }), "topic", "name");
  }

  async listTopics(tenant: string): Promise<TopicInfo[]> {
    return listOf(await this.#api("GET", topicsPath(tenant)), "topics") as TopicInfo[];
  }

  async subscribeToTopic(
    tenant: string,
    topic: string,
    input: SubscriptionRequest,
  ): Promise<SubscriptionInfo> {
    const body = await this.#api("POST", `${topicsPath(tenant)}/${seg(topic)}/subscriptions`, input);
    return answerField<SubscriptionInfo>(body, "subscription", "id");
  }

  async publishToTopic(tenant: string, topic: string, input: PublishRequest): Promise<PublishInfo> {
    const body = await this.#api("POST", `${topicsPath(tenant)}/${seg(topic)}/publish`, input);
    if (!isRecord(body) || typeof body.messageId !== "string") {
      throw new ApiError(200, "INVALID_ANSWER", "the server's answer has no message id");
    }
    return {
      messageId: body.messageId,
      deliveries: typeof body.deliveries === "number" ? body.deliveries : 0,
    };
  }

  async listLogs(tenant: string, name: string, query: LogsQuery = {}): Promise<InvocationRecord[]> {
    const body = await this.#api("GET", `${logsPath(tenant, name)}${logsSearch(query)}`);
    return listOf(body, "invocations").map(readInvocationRecord);
  }

  async getInvocation(tenant: string, name: string, id: string): Promise<InvocationRecord> {
    const path = `/api/v1/tenants/${seg(tenant)}/functions/${seg(name)}/invocations/${seg(id)}`;
    const body = await this.#api("GET", path);
    return readInvocationRecord(isRecord(body) ? body.invocation : undefined);
  }

  async followLogs(
    tenant: string,
    name: string,
    query: LogsQuery,
    handlers: LogFollowHandlers,
    signal: AbortSignal,
  ): Promise<"stopped" | "ended"> {
    const search = logsSearch({ ...query, follow: "1" });
    let answer: Dispatcher.ResponseData;
    try {
      answer = await request(this.#url(`${logsPath(tenant, name)}${search}`), {
        method: "GET",
        headers: this.#headers({ accept: "text/event-stream" }),
        dispatcher: this.#dispatcher,
        signal,
        // A quiet function sends only heartbeats (every 15 s): the body must not time out between them.
        bodyTimeout: 0,
      });
    } catch (error) {
      if (signal.aborted) return "stopped";
      throw new ServerUnreachableError(this.#base.origin, error);
    }
    if (answer.statusCode < 200 || answer.statusCode >= 300) await readJsonAnswer(answer);
    const parser = createParser({
      onEvent: (event) => {
        const data = parseJson(event.data);
        if (event.event === "invocation") handlers.onInvocation(readInvocationRecord(data));
        else if (event.event === "ready") handlers.onReady?.();
        else if (event.event === "dropped" && isRecord(data)) {
          handlers.onDropped?.(Number(data.dropped) || 0, Number(data.total) || 0);
        }
      },
    });
    const decoder = new TextDecoder();
    try {
      for await (const chunk of answer.body)
        parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
    } catch {
      // Aborted by us, or the connection was cut (the server stopped): either way the stream is over.
    }
    return signal.aborted ? "stopped" : "ended";
  }

  #webhookInfo(value: unknown): WebhookInfo {
    if (!isRecord(value) || typeof value.id !== "string") {
      throw new ApiError(200, "INVALID_ANSWER", "the server's answer has no webhook");
    }
    return {
      id: value.id,
      provider: String(value.provider),
      mode: String(value.mode),
      signatureHeader: typeof value.signatureHeader === "string" ? value.signatureHeader : null,
      toleranceSeconds: typeof value.toleranceSeconds === "number" ? value.toleranceSeconds : 0,
      createdAt: typeof value.createdAt === "number" ? value.createdAt : 0,
      url: this.#url(typeof value.url === "string" ? value.url : `/hooks/${value.id}`).href,
    };
  }

  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  #headers(extra: Record<string, string>): Record<string, string> {
    const headers = { ...extra };
    if (this.#token !== undefined) headers.authorization = `Bearer ${this.#token}`;
    return headers;
  }

  /** An admin API call: JSON in, JSON out, non-2xx thrown as ApiError. */
  async #api(method: string, path: string, json?: unknown): Promise<unknown> {
    const headers = this.#headers({ accept: "application/json" });
    if (json !== undefined) headers["content-type"] = "application/json";
    const answer = await this.#send(method, path, {
      headers,
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    return readJsonAnswer(answer);
  }

  async #send(
    method: string,
    path: string,
    init: { headers: Record<string, string>; body?: string | Uint8Array | Readable | undefined },
  ): Promise<Dispatcher.ResponseData> {
    const url = this.#url(path);
    try {
      return await request(url, {
        method: method as Dispatcher.HttpMethod,
        headers: init.headers,
        body: init.body ?? null,
        dispatcher: this.#dispatcher,
      });
    } catch (error) {
      // A bad argument is our bug, not a network failure: let it surface as it is.
      if ((error as { code?: unknown }).code === "UND_ERR_INVALID_ARG") throw error;
      throw new ServerUnreachableError(this.#base.origin, error);
    }
  }

  /** Joins onto the base URL's path so a server mounted below a prefix works too. */
  #url(path: string): URL {
    const prefix = this.#base.pathname.replace(/\/+$/, "");
    return new URL(`${prefix}${path}`, this.#base.origin);
  }
}

function seg(value: string): string {
  return encodeURIComponent(value);
}

/**
 * A key as one path segment. "." and ".." can not travel in a URL path: every URL parser resolves them (even
 * encoded as %2E) as "this directory" and "the parent", so the request would reach another route.
 */
function keySegment(key: string): string {
  if (key === "." || key === "..") {
    throw new CliError(
      `the key ${JSON.stringify(key)} can not be sent in a URL path`,
      "URL parsers resolve '.' and '..' as directories; choose another key",
    );
  }
  return encodeURIComponent(key);
}

function logsPath(tenant: string, name: string): string {
  return `/api/v1/tenants/${seg(tenant)}/functions/${seg(name)}/logs`;
}

function logsSearch(query: LogsQuery & { follow?: string }): string {
  return queryString({
    since: query.since,
    level: query.level,
    outcome: query.outcome,
    limit: query.limit?.toString(),
    follow: query.follow,
  });
}

function queuesPath(tenant: string): string {
  return `/api/v1/tenants/${seg(tenant)}/queues`;
}

function topicsPath(tenant: string): string {
  return `/api/v1/tenants/${seg(tenant)}/topics`;
}

/** `body[field]`, an object whose `key` is a string, or INVALID_ANSWER. */
function answerField<T>(body: unknown, field: string, key: string): T {
  const value = isRecord(body) ? body[field] : undefined;
  if (!isRecord(value) || typeof value[key] !== "string") {
    throw new ApiError(200, "INVALID_ANSWER", `the server's answer has no ${field}`);
  }
  return value as T;
}

function webhooksPath(tenant: string, name: string): string {
  return `/api/v1/tenants/${seg(tenant)}/functions/${seg(name)}/webhooks`;
}

function deliveryInfo(value: unknown): WebhookDeliveryInfo {
  if (!isRecord(value) || typeof value.id !== "string") {
    throw new ApiError(200, "INVALID_ANSWER", "the server's deliveries list holds something else");
  }
  const text = (v: unknown) => (typeof v === "string" ? v : null);
  return {
    id: value.id,
    receivedAt: typeof value.receivedAt === "number" ? value.receivedAt : 0,
    providerDeliveryId: text(value.providerDeliveryId),
    eventType: text(value.eventType),
    verification: String(value.verification),
    failureReason: text(value.failureReason),
    status: String(value.status),
    invocationId: text(value.invocationId),
    attempts: typeof value.attempts === "number" ? value.attempts : 0,
  };
}

function apiKeyInfo(value: unknown): ApiKeyInfo {
  if (!isRecord(value) || typeof value.id !== "string") {
    throw new ApiError(200, "INVALID_ANSWER", "the server's answer has no API key record");
  }
  const time = (v: unknown) => (typeof v === "number" ? v : null);
  return {
    id: value.id,
    role: String(value.role),
    prefix: typeof value.prefix === "string" ? value.prefix : "",
    createdAt: typeof value.createdAt === "number" ? value.createdAt : 0,
    lastUsedAt: time(value.lastUsedAt),
    revokedAt: time(value.revokedAt),
  };
}

function bucketPath(tenant: string, bucket: string): string {
  return `/api/v1/tenants/${seg(tenant)}/buckets/${seg(bucket)}`;
}

function objectPath(tenant: string, bucket: string, key: string): string {
  return `${bucketPath(tenant, bucket)}/objects/${keySegment(key)}`;
}

function namespacePath(tenant: string, namespace: string): string {
  return `/api/v1/tenants/${seg(tenant)}/kv/${seg(namespace)}`;
}

function valuePath(tenant: string, namespace: string, key: string): string {
  return `${namespacePath(tenant, namespace)}/values/${keySegment(key)}`;
}

/** `?a=1&b=2` of the defined entries, or "" when none is. */
function queryString(entries: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(entries)) if (value !== undefined) params.set(name, value);
  const text = params.toString();
  return text === "" ? "" : `?${text}`;
}

/** JSON that is safe in a header value: characters past ASCII as `\uXXXX` escapes. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function header(answer: Dispatcher.ResponseData, name: string): string | undefined {
  const value = answer.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A 2xx answer's JSON body; any other status thrown as an ApiError. */
async function readJsonAnswer(answer: Dispatcher.ResponseData): Promise<unknown> {
  const text = await answer.body.text();
  const parsed = parseJson(text);
  if (answer.statusCode >= 200 && answer.statusCode < 300) {
    if (parsed === undefined && text !== "") {
      throw new ApiError(
        answer.statusCode,
        "INVALID_ANSWER",
        "the server answered with something other than JSON",
      );
    }
    return parsed;
  }
  throw toApiError(answer.statusCode, parsed, text);
}

function listOf(body: unknown, field: string): unknown[] {
  const list = isRecord(body) ? body[field] : undefined;
  if (!Array.isArray(list))
    throw new ApiError(200, "INVALID_ANSWER", `the server's ${field} list is not a list`);
  return list;
}

function bucketInfo(value: unknown): BucketInfo {
  if (!isRecord(value) || typeof value.name !== "string") {
    throw new ApiError(200, "INVALID_ANSWER", "the server's answer has no bucket");
  }
  return { name: value.name, createdAt: typeof value.createdAt === "number" ? value.createdAt : 0 };
}

function objectSummary(value: unknown): ObjectSummary {
  if (!isRecord(value) || typeof value.key !== "string") {
    throw new ApiError(200, "INVALID_ANSWER", "the server's answer has no object");
  }
  return {
    key: value.key,
    size: typeof value.size === "number" ? value.size : 0,
    etag: typeof value.etag === "string" ? value.etag : "",
    contentType: typeof value.contentType === "string" ? value.contentType : null,
    lastModified: typeof value.lastModified === "number" ? value.lastModified : 0,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function toApiError(status: number, parsed: unknown, text: string): ApiError {
  if (isRecord(parsed) && isRecord(parsed.error) && typeof parsed.error.message === "string") {
    const code = typeof parsed.error.code === "string" ? parsed.error.code : `HTTP_${status}`;
    return new ApiError(status, code, parsed.error.message);
  }
  const snippet = text.trim().slice(0, 200);
  return new ApiError(status, `HTTP_${status}`, snippet || `the server answered HTTP ${status}`);
}
