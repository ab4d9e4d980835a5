import { describe, expect, it } from "vitest";
import { parseFunctionConfig } from "./config.js";
import { SkiffError } from "./errors.js";

describe("queue and topic bindings", () => {
  it("are accepted and stored as given", () => {
    const config = parseFunctionConfig({
      bindings: [
        { type: "queue", name: "JOBS", queue: "jobs" },
        { type: "topic", name: "EVENTS", topic: "events" },
      ],
    });
    expect(config.bindings).toEqual([
      { type: "queue", name: "JOBS", queue: "jobs" },
      { type: "topic", name: "EVENTS", topic: "events" },
    ]);
  });

  it.each([
    ["a bad queue name", { type: "queue", name: "JOBS", queue: "Jobs!" }],
    ["a missing queue", { type: "queue", name: "JOBS" }],
    ["a topic field on a queue", { type: "queue", name: "JOBS", queue: "jobs", topic: "x" }],
    ["a bad binding name", { type: "topic", name: "1EVENTS", topic: "events" }],
  ])("refuses %s", (_what, binding) => {
    expect(() => parseFunctionConfig({ bindings: [binding] })).toThrow(SkiffError);
  });
});
