// A tenant's queues over HTTP (issue 10): create, list and show them with their backlog, send messages, and set
// the one consumer function that receives them in batches.
import { QUEUE_LIMITS, SkiffError } from "@skiff/core";
import type { Queue, QueueConsumer, QueueStats } from "@skiff/storage";
import { type Context, Hono } from "hono";
import { z } from "zod";
import type { AuthEnv } from "../auth.js";
import type { GatewayDeps } from "../deps.js";
import { readJsonBody } from "../json-body.js";
import type { MessageProducer } from "../queues/message-producer.js";
import { parseRequest } from "./schemas.js";

type QueueDeps = Pick<GatewayDeps, "storage" | "now"> & { messages: MessageProducer };

const SMALL_BODY_BYTES = 16 * 1024;
/** 100 messages of up to 1 MB each would not fit; a send is bounded as a whole, base64 overhead included. */
const SEND_BODY_BYTES = 4 * 1024 * 1024;

const range = (limits: { min: number; max: number }) => z.number().int().min(limits.min).max(limits.max);

export const createQueueBody = z.strictObject({
  name: z.string(),
  ordered: z.boolean().optional(),
  maxMessageBytes: range(QUEUE_LIMITS.messageBytes).optional(),
  retentionSeconds: range(QUEUE_LIMITS.retentionSeconds).optional(),
});

export const consumerBody = z.strictObject({
  function: z.string().min(1).max(63),
  batchSize: range(QUEUE_LIMITS.batchSize).optional(),
  maxWaitMs: range(QUEUE_LIMITS.maxWaitMs).optional(),
  maxRetries: range(QUEUE_LIMITS.maxRetries).optional(),
  retryDelaySeconds: range(QUEUE_LIMITS.retryDelaySeconds).optional(),
  concurrency: range(QUEUE_LIMITS.concurrency).nullable().optional(),
  deadLetterQueue: z.string().min(1).max(63).nullable().optional(),
});

function tenantOf(c: Context<AuthEnv>): string {
  return c.req.param("tenant") ?? "";
}

/** What the API shows of a consumer: `function` as the request names it. */
export function consumerView(consumer: QueueConsumer) {
  const { functionName, ...rest } = consumer;
  return { function: functionName, ...rest };
}

/** A queue with its backlog: depth, messages in flight and delayed, and how old the oldest one is. */
function queueView(queue: Queue, stats: QueueStats, consumer: QueueConsumer | undefined, now: number) {
  return {
    ...queue,
    ...stats,
    oldestMessageAgeMs: stats.oldestMessageAt === null ? null : Math.max(0, now - stats.oldestMessageAt),
    consumer: consumer === undefined ? null : consumerView(consumer),
  };
}

/** Routes under `/api/v1/tenants/:tenant/queues`; the tenant is already authorised and known to exist. */
export function queueRoutes(deps: QueueDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const { storage } = deps;

  async function view(tenant: string, queue: Queue) {
    const now = deps.now();
    const [stats, consumer] = await Promise.all([
      storage.queues.stats(tenant, queue.name, now),
      storage.queues.getConsumer(tenant, queue.name),
    ]);
    return queueView(queue, stats, consumer, now);
  }

  async function existing(tenant: string, name: string): Promise<Queue> {
    const queue = await storage.queues.get(tenant, name);
    if (queue === undefined) {
      throw new SkiffError(
        "NOT_FOUND",
        `queue ${JSON.stringify(name.slice(0, 80))} does not exist in tenant "${tenant}"`,
      );
    }
    return queue;
  }

  app.post("/", async (c) => {
    const tenant = tenantOf(c);
    const body = parseRequest(createQueueBody, await readJsonBody(c.req.raw, SMALL_BODY_BYTES), "queue");
    const { name, ...input } = body;
    const queue = await storage.queues.create(tenant, name, input, deps.now());
    return c.json({ queue: await view(tenant, queue) }, 201);
  });

  app.get("/", async (c) => {
    const tenant = tenantOf(c);
    const queues = await storage.queues.list(tenant);
    return c.json({ queues: await Promise.all(queues.map((queue) => view(tenant, queue))) });
  });

  app.get("/:queue", async (c) => {
    const tenant = tenantOf(c);
    return c.json({ queue: await view(tenant, await existing(tenant, c.req.param("queue"))) });
  });

  app.delete("/:queue", async (c) => {
    const name = c.req.param("queue");
    await storage.queues.delete(tenantOf(c), name);
    return c.json({ deleted: true, name });
  });

  // One message (`{"body": …}`) or several (`{"messages": [{"body": …}, …]}`), stored all or none.
  app.post("/:queue/messages", async (c) => {
    const tenant = tenantOf(c);
    const name = c.req.param("queue");
    const body = await readJsonBody(c.req.raw, SEND_BODY_BYTES);
    const batch =
      typeof body === "object" && body !== null && !Array.isArray(body) && Object.hasOwn(body, "messages");
    const messages = batch ? (body as { messages: unknown }).messages : [body];
    if (batch && Object.keys(body as object).length !== 1) {
      throw new SkiffError("INVALID_REQUEST", 'a batch is {"messages": [...]} and nothing else');
    }
    const sent = await deps.messages.send(tenant, name, messages);
    return c.json({ messages: sent }, 202);
  });

  app.put("/:queue/consumer", async (c) => {
    const tenant = tenantOf(c);
    const name = c.req.param("queue");
    const body = parseRequest(consumerBody, await readJsonBody(c.req.raw, SMALL_BODY_BYTES), "consumer");
    const { function: functionName, ...settings } = body;
    const consumer = await storage.queues.setConsumer(
      tenant,
      name,
      { functionName, ...settings },
      deps.now(),
    );
    // Messages may be waiting for a consumer: look at the queue now.
    deps.messages.wake();
    return c.json({ consumer: consumerView(consumer) });
  });

  app.get("/:queue/consumer", async (c) => {
    const name = c.req.param("queue");
    const consumer = await storage.queues.getConsumer(tenantOf(c), name);
    if (consumer === undefined) throw new SkiffError("NOT_FOUND", `queue "${name}" has no consumer`);
    return c.json({ consumer: consumerView(consumer) });
  });

  app.delete("/:queue/consumer", async (c) => {
    const name = c.req.param("queue");
    await storage.queues.removeConsumer(tenantOf(c), name);
    return c.json({ deleted: true, queue: name });
  });

  return app;
}
