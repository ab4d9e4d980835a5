import { describe, expect, it } from "vitest";
import { SampledCounter } from "./sampled-counter.js";

describe("SampledCounter", () => {
  it("adds what each source counted since its last sample, a new or restarted source from zero", () => {
    let total = 0;
    const counter = new SampledCounter((delta) => {
      total += delta;
    });
    counter.sample(new Map([["0:100", 5]]));
    expect(total).toBe(5);
    counter.sample(
      new Map([
        ["0:100", 8],
        ["1:200", 2],
      ]),
    );
    expect(total).toBe(10);
    // Worker in slot 0 restarted with a new pid; slot 1's worker restarted under the same pid (counter fell).
    counter.sample(
      new Map([
        ["0:101", 4],
        ["1:200", 1],
      ]),
    );
    expect(total).toBe(15);
    counter.sample(
      new Map([
        ["0:101", 4],
        ["1:200", 1],
      ]),
    );
    expect(total).toBe(15);
  });

  it("forgets sources that are gone and ignores totals that are not counts", () => {
    let total = 0;
    const counter = new SampledCounter((delta) => {
      total += delta;
    });
    counter.sample(new Map([["0:100", 3]]));
    counter.sample(new Map());
    counter.sample(
      new Map([
        ["0:100", 3],
        ["1:1", Number.NaN],
        ["2:2", -4],
      ]),
    );
    expect(total).toBe(6);
  });
});
