// A tenant's topics over HTTP (issue 10): create and list them, subscribe functions and queues with filter
// policies, and publish — one delivery per matching subscription, stored in one transaction.
import { parseFilterPolicy, SkiffError } from "@skiff/core";
import type { TopicSubscription } from "@skiff/storage";
import { type Context, Hono } from "hono";
import { z } from "zod";
import type { AuthEnv } from "../auth.js";
import type { GatewayDeps } from "../deps.js";
import { readJsonBody } from "../json-body.js";
import type { MessageProducer } from "../queues/message-producer.js";
import { parseRequest } from "./schemas.js";

type TopicDeps = Pick<GatewayDeps, "storage" | "now"> & { messages: MessageProducer };

const SMALL_BODY_BYTES = 16 * 1024;
/** A publication is at most 256 KB of JSON; its JSON text may be longer (escapes), so allow for that. */
const PUBLISH_BODY_BYTES = 1024 * 1024;

export const createTopicBody = z.strictObject({ name: z.string() });

export const subscriptionBody = z
  .strictObject({
    function: z.string().min(1).max(63).optional(),
    queue: z.string().min(1).max(63).optional(),
    filterPolicy: z.unknown().optional(),
  })
  .refine((body) => (body.function === undefined) !== (body.queue === undefined), {
    message: 'a subscription names a "function" or a "queue", not both',
  });

function tenantOf(c: Context<AuthEnv>): string {
  return c.req.param("tenant") ?? "";
}

/** What the API shows of a subscription: `function` as the request names it. */
export function subscriptionView(subscription: TopicSubscription) {
  const { functionName, ...rest } = subscription;
  return { ...rest, function: functionName };
}

/** Routes under `/api/v1/tenants/:tenant/topics`; the tenant is already authorised and known to exist. */
export function topicRoutes(deps: TopicDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const { storage } = deps;

  app.post("/", async (c) => {
    const body = parseRequest(createTopicBody, await readJsonBody(c.req.raw, SMALL_BODY_BYTES), "topic");
    const topic = await storage.topics.create(tenantOf(c), body.name, deps.now());
    return c.json({ topic: { ...topic, subscriptions: 0 } }, 201);
  });

  app.get("/", async (c) => {
    return c.json({ topics: await storage.topics.list(tenantOf(c)) });
  });

  app.get("/:topic", async (c) => {
    const tenant = tenantOf(c);
    const name = c.req.param("topic");
    const topic = await storage.topics.get(tenant, name);
    if (topic === undefined) {
      throw new SkiffError(
        "NOT_FOUND",
        `topic ${JSON.stringify(name.slice(0, 80))} does not exist in tenant "${tenant}"`,
      );
    }
    const subscriptions = (await storage.topics.subscriptions(tenant, name)).map(subscriptionView);
    return c.json({ topic: { ...topic, subscriptions: subscriptions.length }, subscriptions });
  });

  app.delete("/:topic", async (c) => {
    const name = c.req.param("topic");
    await storage.topics.delete(tenantOf(c), name);
    return c.json({ deleted: true, name });
  });

  app.post("/:topic/subscriptions", async (c) => {
    const body = parseRequest(
      subscriptionBody,
      await readJsonBody(c.req.raw, SMALL_BODY_BYTES),
      "subscription",
    );
    const filterPolicy =
      body.filterPolicy === undefined || body.filterPolicy === null
        ? null
        : parseFilterPolicy(body.filterPolicy);
    const subscription = await storage.topics.subscribe(
      tenantOf(c),
      c.req.param("topic"),
      {
        ...(body.function === undefined ? {} : { functionName: body.function }),
        ...(body.queue === undefined ? {} : { queue: body.queue }),
        filterPolicy,
      },
      deps.now(),
    );
    return c.json({ subscription: subscriptionView(subscription) }, 201);
  });

  app.get("/:topic/subscriptions", async (c) => {
    const subscriptions = await storage.topics.subscriptions(tenantOf(c), c.req.param("topic"));
    return c.json({ subscriptions: subscriptions.map(subscriptionView) });
  });

  app.delete("/:topic/subscriptions/:id", async (c) => {
    const id = c.req.param("id");
    await storage.topics.unsubscribe(tenantOf(c), c.req.param("topic"), id);
    return c.json({ deleted: true, id });
  });

  app.post("/:topic/publish", async (c) => {
    const body = await readJsonBody(c.req.raw, PUBLISH_BODY_BYTES);
    const result = await deps.messages.publish(tenantOf(c), c.req.param("topic"), body);
    return c.json(result, 202);
  });

  return app;
}
