import { describe, expect, it } from "vitest";
import { parseOptions } from "./options.js";

describe("parseOptions", () => {
  it("defaults to the quick set of every peer and scenario, writing BENCHMARKS.md", () => {
    const options = parseOptions([]);
    expect(options.mode).toBe("quick");
    expect(options.peers).toEqual(["node-http", "hono", "workerd", "skiff", "skiff-direct"]);
    expect(options.scenarios).toEqual(["warm", "cold", "memory", "async", "cron", "deploy"]);
    expect(options.write).toBe(true);
  });
  it("reads --full, lists, --json and --no-write", () => {
    const options = parseOptions([
      "--full",
      "--peers",
      "skiff,hono",
      "--scenarios=warm",
      "--json",
      "--no-write",
    ]);
    expect(options).toMatchObject({
      mode: "full",
      peers: ["skiff", "hono"],
      scenarios: ["warm"],
      json: true,
      write: false,
    });
  });
  it("reads --ceiling, which runs on its own", () => {
    expect(parseOptions(["--ceiling", "--no-write"])).toMatchObject({ ceiling: true, write: false });
    expect(parseOptions([]).ceiling).toBe(false);
    expect(() => parseOptions(["--ceiling", "--profile", "warm"])).toThrow(/on its own/);
    expect(() => parseOptions(["--ceiling", "--record", "x"])).toThrow(/on its own/);
  });
  it("records a saved run with --from-json only under a label", () => {
    expect(parseOptions(["--record", "before", "--from-json", "/tmp/run.json"])).toMatchObject({
      record: "before",
      fromJson: "/tmp/run.json",
    });
    expect(parseOptions([]).fromJson).toBeUndefined();
    expect(() => parseOptions(["--from-json", "/tmp/run.json"])).toThrow(/--record/);
  });

  it("reads --record and its label, refusing an empty one", () => {
    expect(parseOptions(["--scenarios", "warm", "--record", "after batching"]).record).toBe("after batching");
    expect(parseOptions([]).record).toBeUndefined();
    expect(() => parseOptions(["--record", " "])).toThrow(/needs a label/);
  });
  it("never writes BENCHMARKS.md from a smoke run", () => {
    expect(parseOptions(["--smoke"]).write).toBe(false);
  });
  it("refuses unknown names and options", () => {
    expect(() => parseOptions(["--peers", "nginx"])).toThrow(/unknown peer "nginx"/);
    expect(() => parseOptions(["--profile", "memory"])).toThrow(/profile target/);
    expect(() => parseOptions(["--fast"])).toThrow();
    expect(() => parseOptions(["--full", "--smoke"])).toThrow(/exclude/);
  });
});
