import { describe, expect, it } from "vitest";
import { EgressMeter } from "./egress-meter.js";

describe("EgressMeter", () => {
  it("sums each invocation's traffic separately and forgets it on finish", () => {
    const meter = new EgressMeter();
    meter.start("a");
    meter.start("b");
    meter.add("a", 100);
    meter.add("b", 7);
    meter.add("a", 23);
    expect(meter.finish("a")).toBe(123);
    expect(meter.finish("b")).toBe(7);
    expect(meter.size).toBe(0);
    expect(meter.finish("a")).toBeUndefined();
  });

  it("reports no traffic as undefined and ignores traffic of invocations not running", () => {
    const meter = new EgressMeter();
    meter.add("late", 50);
    expect(meter.size).toBe(0);
    meter.start("quiet");
    meter.add("quiet", 0);
    meter.add("quiet", Number.NaN);
    meter.add("quiet", -5);
    expect(meter.finish("quiet")).toBeUndefined();
  });
});
