import { DEFAULT_MAX_IN_FLIGHT } from "@skiff/scheduler";
import { describe, expect, it } from "vitest";
import { CliError } from "../cli-error.js";
import { asyncInFlightFromEnv } from "./async-settings.js";

describe("SKIFF_ASYNC_IN_FLIGHT", () => {
  it("takes a whole number of events from 1 to 10000", () => {
    expect(asyncInFlightFromEnv("1")).toBe(1);
    expect(asyncInFlightFromEnv(" 256 ")).toBe(256);
    expect(asyncInFlightFromEnv("10000")).toBe(10_000);
  });

  it.each(["0", "10001", "-5", "1.5", "many", ""])("refuses %j with a hint", (value) => {
    expect(() => asyncInFlightFromEnv(value)).toThrow(CliError);
  });

  it("names the dispatcher's default in its hint", () => {
    try {
      asyncInFlightFromEnv("0");
      expect.unreachable();
    } catch (error) {
      expect((error as CliError).message).toContain("SKIFF_ASYNC_IN_FLIGHT=0");
      expect((error as CliError).hint).toContain(`default is ${DEFAULT_MAX_IN_FLIGHT}`);
    }
  });
});
