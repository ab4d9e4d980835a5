import { describe, expect, it } from "vitest";
import { observabilitySettingsFromEnv } from "./observability-settings.js";

const noFile = (path: string): string => {
  throw new Error(`no file ${path}`);
};

describe("observabilitySettingsFromEnv", () => {
  it("reads nothing from an empty environment", () => {
    expect(observabilitySettingsFromEnv({}, "/srv", noFile)).toEqual({});
  });

  it("reads the metrics port and host, and refuses a port that is not one", () => {
    expect(
      observabilitySettingsFromEnv(
        { SKIFF_METRICS_PORT: "9464", SKIFF_METRICS_HOST: "0.0.0.0" },
        "/",
        noFile,
      ),
    ).toEqual({ metricsPort: 9464, metricsHost: "0.0.0.0" });
    expect(() => observabilitySettingsFromEnv({ SKIFF_METRICS_PORT: "70000" }, "/", noFile)).toThrow(
      /not a TCP port/,
    );
    expect(() => observabilitySettingsFromEnv({ SKIFF_METRICS_PORT: "nine" }, "/", noFile)).toThrow(
      /not a TCP port/,
    );
  });

  it("reads prices inline or from a file relative to the working directory", () => {
    expect(observabilitySettingsFromEnv({ SKIFF_PRICES: '{"perRequest": 1}' }, "/", noFile).prices).toEqual({
      currency: "USD",
      perRequest: 1,
    });
    const read: string[] = [];
    const settings = observabilitySettingsFromEnv({ SKIFF_PRICES_FILE: "prices.json" }, "/srv", (path) => {
      read.push(path);
      return '{"perGbSecond": 2, "currency": "EUR"}';
    });
    expect(read).toEqual(["/srv/prices.json"]);
    expect(settings.prices).toEqual({ currency: "EUR", perGbSecond: 2 });
  });

  it("says which variable holds a bad price table, and what fields it takes", () => {
    expect(() => observabilitySettingsFromEnv({ SKIFF_PRICES: '{"perRequst": 1}' }, "/", noFile)).toThrow(
      /SKIFF_PRICES: invalid price table.*perRequst/,
    );
    expect(() => observabilitySettingsFromEnv({ SKIFF_PRICES_FILE: "gone.json" }, "/", noFile)).toThrow(
      /could not read \/gone.json/,
    );
    expect(() =>
      observabilitySettingsFromEnv({ SKIFF_PRICES: "{}", SKIFF_PRICES_FILE: "x" }, "/", noFile),
    ).toThrow(/both/);
  });
});
