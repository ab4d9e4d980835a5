import type { Context } from "hono";
import { describe, expect, it } from "vitest";
import { takesChunkedBodies } from "./chunked-client.js";

const context = (env: unknown) => ({ env }) as unknown as Context;

describe("takesChunkedBodies", () => {
  it.each([
    ["HTTP/1.1", { incoming: { httpVersion: "1.1" } }, true],
    ["HTTP/2", { incoming: { httpVersion: "2.0" } }, true],
    ["HTTP/1.0", { incoming: { httpVersion: "1.0" } }, false],
    ["no Node request (app.request in tests)", undefined, true],
  ])("%s → %s", (_, env, expected) => {
    expect(takesChunkedBodies(context(env))).toBe(expected);
  });
});
