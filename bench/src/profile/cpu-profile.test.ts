import { describe, expect, it } from "vitest";
import { asCpuProfile, type CpuProfile, summarizeProfile } from "./cpu-profile.js";

const frame = (functionName: string, url = "", lineNumber = 0) => ({ functionName, url, lineNumber });

// root → handle → parse (hot), root → (idle); handle recursive once.
const profile: CpuProfile = {
  startTime: 0,
  endTime: 10_000,
  nodes: [
    { id: 1, callFrame: frame("(root)"), children: [2, 5] },
    { id: 2, callFrame: frame("handle", "file:///repo/gateway/dist/a.js", 9), children: [3] },
    { id: 3, callFrame: frame("handle", "file:///repo/gateway/dist/a.js", 9), children: [4] },
    { id: 4, callFrame: frame("parse", "file:///repo/core/dist/b.js", 1) },
    { id: 5, callFrame: frame("(idle)") },
  ],
  samples: [4, 4, 4, 2, 5, 5],
  timeDeltas: [0, 1000, 1000, 1000, 1000, 1000],
};

describe("summarizeProfile", () => {
  it("ranks frames by self time, relative to the root, and counts recursion once in total time", () => {
    const summary = summarizeProfile(profile, "/repo/");
    expect(summary.durationMs).toBe(10);
    expect(summary.top[0]).toEqual({
      frame: "parse (core/dist/b.js:2)",
      selfMs: 3,
      totalMs: 3,
      selfPercent: 75,
    });
    const handle = summary.top.find((f) => f.frame === "handle (gateway/dist/a.js:10)");
    expect(handle?.totalMs).toBe(4);
    expect(summary.top.some((f) => f.frame.startsWith("(idle)"))).toBe(false);
    expect(summary.idleMs).toBe(1);
    expect(summary.busyMs).toBe(4);
  });

  it("falls back to hit counts without samples", () => {
    const summary = summarizeProfile({
      startTime: 0,
      endTime: 4_000,
      nodes: [
        { id: 1, callFrame: frame("(root)"), children: [2], hitCount: 0 },
        { id: 2, callFrame: frame("work", "x.js", 0), hitCount: 4 },
      ],
    });
    expect(summary.top[0]?.selfMs).toBe(4);
  });
});

describe("asCpuProfile", () => {
  it("refuses what is not a profile", () => {
    expect(() => asCpuProfile({ nodes: "x" })).toThrow(/profile/);
    expect(asCpuProfile(profile)).toBe(profile);
  });
});
