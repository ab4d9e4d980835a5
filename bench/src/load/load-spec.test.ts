import { describe, expect, it } from "vitest";
import { checkLoadSpec, MEASURING_LINE, parseLoadResult } from "./load-spec.js";

describe("checkLoadSpec", () => {
  it("accepts a bounded run against loopback", () => {
    expect(() =>
      checkLoadSpec({ url: "http://127.0.0.1:8080/x", connections: 10, durationSeconds: 1 }),
    ).not.toThrow();
    expect(() => checkLoadSpec({ url: "http://localhost:1/", connections: 1, amount: 5 })).not.toThrow();
  });
  it("refuses other addresses, unbounded runs and bad paths", () => {
    expect(() => checkLoadSpec({ url: "http://10.0.0.1/", connections: 1, durationSeconds: 1 })).toThrow(
      /loopback/,
    );
    expect(() =>
      checkLoadSpec({ url: "http://127.0.0.1.example.com/", connections: 1, durationSeconds: 1 }),
    ).toThrow(/loopback/);
    expect(() => checkLoadSpec({ url: "http://127.0.0.1:1/", connections: 1 })).toThrow(/durationSeconds/);
    expect(() => checkLoadSpec({ url: "http://127.0.0.1:1/", connections: 0, amount: 1 })).toThrow(
      /connections/,
    );
    expect(() =>
      checkLoadSpec({ url: "http://127.0.0.1:1/", connections: 1, amount: 1, paths: ["relative"] }),
    ).toThrow(/paths/);
  });
});

describe("parseLoadResult", () => {
  const good = {
    requests: 10,
    non2xx: 0,
    errors: 0,
    timeouts: 0,
    startedAt: 1_700_000_000_000,
    durationSeconds: 1,
    requestsPerSecond: 10,
    latencyMs: { count: 10, min: 0.1, mean: 0.2, p50: 0.2, p99: 0.3, max: 0.3 },
    statusCodes: { "200": 10 },
  };
  it("returns a well-formed result, with or without the generator's CPU", () => {
    expect(parseLoadResult(JSON.stringify(good))).toEqual(good);
    expect(parseLoadResult(JSON.stringify(good)).generatorCpuMs).toBeUndefined();
    const withCpu = { ...good, generatorCpuMs: 12.5 };
    expect(parseLoadResult(JSON.stringify(withCpu))).toEqual(withCpu);
  });
  it("refuses a generator CPU that is not a number of milliseconds", () => {
    expect(() => parseLoadResult(JSON.stringify({ ...good, generatorCpuMs: "12" }))).toThrow(
      /generatorCpuMs/,
    );
    expect(() => parseLoadResult(JSON.stringify({ ...good, generatorCpuMs: -1 }))).toThrow(/generatorCpuMs/);
    expect(() => parseLoadResult(JSON.stringify({ ...good, generatorCpuMs: null }))).toThrow(
      /generatorCpuMs/,
    );
  });
  it("does not take the measuring marker for a result", () => {
    expect(() => parseLoadResult(MEASURING_LINE)).toThrow(/requests/);
  });
  it("refuses a result with missing or wrong fields", () => {
    expect(() => parseLoadResult(JSON.stringify({ ...good, requests: "10" }))).toThrow(/requests/);
    expect(() => parseLoadResult(JSON.stringify({ ...good, latencyMs: {} }))).toThrow(/latencyMs/);
    expect(() => parseLoadResult("not json")).toThrow();
  });
});
