import { describe, expect, it } from "vitest";
import { PlaneLiveness } from "./plane-liveness.js";

describe("PlaneLiveness", () => {
  it("pings a quiet worker once, and calls it stuck only after the longer silence", () => {
    const liveness = new PlaneLiveness<string>({ pingAfterMs: 1_000, stuckAfterMs: 10_000 });
    expect(liveness.check(["a", "b"], 0)).toEqual({ ping: [], stuck: [] });
    liveness.heard("b", 900);
    expect(liveness.check(["a", "b"], 1_000)).toEqual({ ping: ["a"], stuck: [] });
    // Pinged already: not again while it stays quiet.
    expect(liveness.check(["a", "b"], 1_500)).toEqual({ ping: [], stuck: [] });
    expect(liveness.check(["a", "b"], 1_900)).toEqual({ ping: ["b"], stuck: [] });
    liveness.heard("b", 2_000);
    expect(liveness.check(["a", "b"], 10_000)).toEqual({ ping: ["b"], stuck: ["a"] });
  });

  it("starts over for a worker that answered, and forgets one that exited", () => {
    const liveness = new PlaneLiveness<string>({ pingAfterMs: 100, stuckAfterMs: 1_000 });
    liveness.check(["a"], 0);
    expect(liveness.check(["a"], 200).ping).toEqual(["a"]);
    liveness.heard("a", 300);
    expect(liveness.check(["a"], 1_200)).toEqual({ ping: ["a"], stuck: [] });
    liveness.forget("a");
    expect(liveness.check(["a"], 5_000)).toEqual({ ping: [], stuck: [] });
  });
});
