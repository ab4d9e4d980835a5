import { describe, expect, it } from "vitest";
import { eventTypeOf, normalizeNotificationRules, ruleMatches } from "./notification-rules.js";
import type { NotificationRule } from "./types.js";

const rule = (overrides: Partial<NotificationRule> = {}): NotificationRule => ({
  events: ["object-create"],
  function: "thumbs",
  ...overrides,
});

describe("notification rules", () => {
  it("matches on event type, prefix and suffix together", () => {
    const r = rule({ prefix: "images/", suffix: ".txt" });
    expect(ruleMatches(r, "object-create", "images/cat.txt")).toBe(true);
    expect(ruleMatches(r, "object-delete", "images/cat.txt")).toBe(false);
    expect(ruleMatches(r, "object-create", "images/cat.png")).toBe(false);
    expect(ruleMatches(r, "object-create", "docs/cat.txt")).toBe(false);
    expect(ruleMatches(rule(), "object-create", "anything")).toBe(true);
    expect(ruleMatches(rule({ events: ["object-delete", "object-create"] }), "object-delete", "x")).toBe(
      true,
    );
  });

  it("maps actions to event types", () => {
    expect(eventTypeOf("PutObject")).toBe("object-create");
    expect(eventTypeOf("CopyObject")).toBe("object-create");
    expect(eventTypeOf("CompleteMultipartUpload")).toBe("object-create");
    expect(eventTypeOf("DeleteObject")).toBe("object-delete");
  });

  it("stores rules in a normal form", () => {
    expect(
      normalizeNotificationRules([
        rule({ events: ["object-create", "object-create"], prefix: "", suffix: ".txt", batchSize: 5 }),
        rule({ maxWaitMs: 0, allowRecursion: true }),
      ]),
    ).toEqual([
      { events: ["object-create"], function: "thumbs", suffix: ".txt", batchSize: 5 },
      { events: ["object-create"], function: "thumbs", maxWaitMs: 0, allowRecursion: true },
    ]);
  });

  it("refuses malformed rules with INVALID_REQUEST", () => {
    const bad: unknown[] = [
      rule({ events: [] }),
      rule({ events: ["object-update" as "object-create"] }),
      rule({ function: "Not A Name" }),
      rule({ batchSize: 0 }),
      rule({ batchSize: 101 }),
      rule({ batchSize: 1.5 }),
      rule({ maxWaitMs: 60_001 }),
      rule({ maxWaitMs: -1 }),
      rule({ prefix: "p".repeat(1025) }),
      rule({ allowRecursion: "yes" as unknown as boolean }),
      { ...rule(), extra: 1 },
      null,
      "rule",
    ];
    for (const r of bad) {
      expect(() => normalizeNotificationRules([r as NotificationRule]), JSON.stringify(r)).toThrow(
        expect.objectContaining({ code: "INVALID_REQUEST" }),
      );
    }
    expect(() => normalizeNotificationRules(Array.from({ length: 101 }, () => rule()))).toThrow(
      /at most 100/,
    );
  });
});
