import { describe, expect, it } from "vitest";
import { ProbationLanes } from "./probation-lanes.js";

describe("ProbationLanes", () => {
  it("gives each suspect a lane of its own up to the limit, then shares the last one", () => {
    const made: number[] = [];
    const lanes = new ProbationLanes({
      max: 2,
      create: (index) => {
        made.push(index);
        return `lane${index}`;
      },
    });
    expect(lanes.laneFor("a")).toBe("lane0");
    expect(lanes.laneFor("a")).toBe("lane0");
    expect(lanes.laneFor("b")).toBe("lane1");
    expect(lanes.laneFor("c")).toBe("lane1");
    expect(made).toEqual([0, 1]);
    expect(lanes.lanes).toEqual(["lane0", "lane1"]);
  });

  it("hands a lane freed by the end of probation to the next suspect", () => {
    const lanes = new ProbationLanes({ max: 4, create: (index) => `lane${index}` });
    lanes.laneFor("a");
    lanes.laneFor("b");
    lanes.release("a");
    expect(lanes.laneFor("c")).toBe("lane0");
    expect(lanes.laneFor("d")).toBe("lane2");
  });

  it("refuses a limit below one", () => {
    expect(() => new ProbationLanes({ max: 0, create: () => "x" })).toThrow(RangeError);
  });
});
