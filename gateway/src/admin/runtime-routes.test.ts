import type { RuntimeStats } from "@skiff/runtime";
import { describe, expect, it } from "vitest";
import { startHarness } from "../testing/harness.js";

const stats: RuntimeStats = {
  workers: [
    {
      slot: 0,
      role: "invocations",
      pid: 7,
      restarts: 2,
      rssBytes: 1024,
      isolates: { idle: 1, busy: 0, heapBytes: 10, hits: 3, misses: 1, evictions: 0 },
    },
  ],
};

describe("GET /api/v1/runtime", () => {
  it("answers the operator with the supervisor's state", async () => {
    const h = await startHarness({ runtimeStats: async () => stats });
    const reply = await h.api("GET", "/api/v1/runtime");
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual(stats);
  });

  it("refuses a tenant key", async () => {
    const h = await startHarness({ runtimeStats: async () => stats });
    const reply = await h.api("GET", "/api/v1/runtime", { key: h.key });
    expect(reply.status).toBe(403);
    expect(reply.json.error.code).toBe("FORBIDDEN");
  });

  it("answers 404 when the gateway has no view of its runtime", async () => {
    const h = await startHarness();
    const reply = await h.api("GET", "/api/v1/runtime");
    expect(reply.status).toBe(404);
    expect(reply.json.error.code).toBe("NOT_FOUND");
  });
});
