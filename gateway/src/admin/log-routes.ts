// A function's logs: stored invocation records with their lines (filtered, newest first), one record by id,
// and live follow over Server-Sent Events fed by the invocation bus.
import { assertValidName, type InvocationRecord, SkiffError } from "@skiff/core";
import { type Context, Hono } from "hono";
import { type SSEStreamingApi, streamSSE } from "hono/streaming";
import type { AuthEnv } from "../auth.js";
import type { GatewayDeps } from "../deps.js";
import { FollowBuffer } from "../observe/follow-buffer.js";
import { type LogFilter, matchesLogFilter, withLinesAtLeast } from "../observe/log-filter.js";
import { nextRecord } from "../observe/next-record.js";
import { parseLogsQuery } from "./log-query.js";

type LogDeps = Pick<GatewayDeps, "storage" | "writer" | "invocations" | "now" | "streamsClosed">;

export interface FollowOptions {
  /** Quiet time after which a `: heartbeat` comment is sent, so proxies and clients see the stream alive. */
  heartbeatMs?: number;
  /** Records held for a reader that is slower than the invocations; past this they are dropped and counted. */
  bufferSize?: number;
  /** How long `GET …/invocations/{id}` waits for a record not yet made (its invocation just answered). */
  recentRecordWaitMs?: number;
  /** Live streams one tenant may hold open at once: each one is a listener every invocation passes. */
  maxFollowersPerTenant?: number;
}

export const FOLLOW_HEARTBEAT_MS = 15_000;
export const FOLLOW_BUFFER_SIZE = 1_000;
export const RECENT_RECORD_WAIT_MS = 1_000;
export const MAX_FOLLOWERS_PER_TENANT = 32;
const DEFAULT_LOGS_LIMIT = 50;
const INVOCATION_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** The tenant and function named by the route, with the function name checked. */
function target(c: Context<AuthEnv>): { tenant: string; name: string } {
  const tenant = c.req.param("tenant") ?? "";
  const name = c.req.param("name") ?? "";
  assertValidName("function", name);
  return { tenant, name };
}

/**
 * Routes under `/api/v1/tenants/:tenant/functions`.
 *
 * SSE events of `?follow=1`: `invocation` (data: one record as JSON, id: its id), `dropped` (data:
 * `{"dropped": n, "total": m}` — records this reader missed because it fell behind), `ready` (sent once, after
 * the stored records asked for with `since` and before the live ones). Comments (`: heartbeat`) keep it alive.
 */
export function logRoutes(deps: LogDeps, options: FollowOptions = {}): Hono<AuthEnv> {
  const { storage, writer, invocations } = deps;
  const heartbeatMs = options.heartbeatMs ?? FOLLOW_HEARTBEAT_MS;
  const bufferSize = options.bufferSize ?? FOLLOW_BUFFER_SIZE;
  const maxFollowers = options.maxFollowersPerTenant ?? MAX_FOLLOWERS_PER_TENANT;
  const followers = new Map<string, number>();
  const app = new Hono<AuthEnv>();

  app.get("/:name/logs", async (c) => {
    const { tenant, name } = target(c);
    const { filter, limit, follow } = parseLogsQuery(c.req.query(), deps.now());
    if (!follow) {
      // A caller who just invoked the function expects to see that invocation.
      await writer.flush();
      const records = await storage.invocations.list(tenant, name, {
        ...filter,
        limit: limit ?? DEFAULT_LOGS_LIMIT,
      });
      return c.json({ invocations: records.map((record) => withLinesAtLeast(record, filter.minLevel)) });
    }

    const open = followers.get(tenant) ?? 0;
    if (open >= maxFollowers) {
      throw new SkiffError(
        "TOO_MANY_REQUESTS",
        `tenant "${tenant}" already has ${open} live log streams open; close one (at most ${maxFollowers})`,
      );
    }
    // Subscribed before reading storage, so nothing finishing in between is missed; what is read from
    // storage and also arrives live is sent once.
    const buffer = new FollowBuffer<InvocationRecord>(bufferSize);
    const unsubscribe = invocations.subscribe((record) => {
      if (record.tenant === tenant && record.functionName === name && matchesLogFilter(record, filter)) {
        buffer.push(record);
      }
    });
    let history: InvocationRecord[];
    try {
      history = await storedSince(deps, tenant, name, filter, limit);
    } catch (error) {
      // FUNCTION_NOT_FOUND and the like are answered as JSON, before any stream starts.
      unsubscribe();
      throw error;
    }
    const stop = () => buffer.close();
    deps.streamsClosed.addEventListener("abort", stop);
    followers.set(tenant, (followers.get(tenant) ?? 0) + 1);
    return streamSSE(c, async (stream) => {
      stream.onAbort(stop);
      try {
        if (deps.streamsClosed.aborted) return;
        const sent = new Set<string>();
        for (const record of history) {
          sent.add(record.id);
          await sendRecord(stream, record, filter);
        }
        await stream.writeSSE({ event: "ready", data: JSON.stringify({ history: history.length }) });
        for (;;) {
          const batch = await buffer.next(heartbeatMs);
          if (batch === "closed" || stream.aborted) return;
          if (batch === "idle") {
            await stream.write(": heartbeat\n\n");
            continue;
          }
          if (batch.dropped > 0) {
            await stream.writeSSE({
              event: "dropped",
              data: JSON.stringify({ dropped: batch.dropped, total: buffer.droppedTotal }),
            });
          }
          for (const record of batch.items) {
            if (sent.delete(record.id)) continue;
            await sendRecord(stream, record, filter);
          }
        }
      } finally {
        unsubscribe();
        deps.streamsClosed.removeEventListener("abort", stop);
        const left = (followers.get(tenant) ?? 1) - 1;
        if (left > 0) followers.set(tenant, left);
        else followers.delete(tenant);
      }
    });
  });

  app.get("/:name/invocations/:id", async (c) => {
    const { tenant, name } = target(c);
    const id = c.req.param("id");
    if (!INVOCATION_ID.test(id)) {
      throw new SkiffError("INVALID_REQUEST", "an invocation id is 1–128 letters, digits, '-' or '_'");
    }
    // Listening first: a client that just got its response may be a moment ahead of the record.
    const pending = nextRecord(
      invocations,
      (r) => r.id === id && r.tenant === tenant && r.functionName === name,
      options.recentRecordWaitMs ?? RECENT_RECORD_WAIT_MS,
    );
    let record: InvocationRecord | undefined;
    try {
      await writer.flush();
      record = (await storage.invocations.get(tenant, name, id)) ?? (await pending.record);
    } finally {
      pending.cancel();
    }
    if (record === undefined) {
      throw new SkiffError(
        "NOT_FOUND",
        `function "${name}" has no invocation "${id}": it is still running, or is older than the records kept`,
      );
    }
    return c.json({ invocation: record });
  });

  return app;
}

/** The stored records `since` asks for, oldest first (the order a live tail reads); none without `since`. */
async function storedSince(
  deps: LogDeps,
  tenant: string,
  name: string,
  filter: LogFilter,
  limit: number | undefined,
): Promise<InvocationRecord[]> {
  if (filter.since === undefined) {
    // Still checks that the function exists, so a typo'd name is a 404, not a silent stream.
    await deps.storage.invocations.list(tenant, name, { limit: 1 });
    return [];
  }
  await deps.writer.flush();
  const newestFirst = await deps.storage.invocations.list(tenant, name, {
    ...filter,
    limit: limit ?? DEFAULT_LOGS_LIMIT,
  });
  return newestFirst.reverse();
}

function sendRecord(stream: SSEStreamingApi, record: InvocationRecord, filter: LogFilter): Promise<void> {
  return stream.writeSSE({
    event: "invocation",
    id: record.id,
    data: JSON.stringify(withLinesAtLeast(record, filter.minLevel)),
  });
}
