import { describe, expect, it } from "vitest";
import { dataPlaneSettingsFromEnv } from "./data-plane-settings.js";

describe("dataPlaneSettingsFromEnv", () => {
  it("leaves the direct data plane off when its port is unset or empty", () => {
    expect(dataPlaneSettingsFromEnv({})).toEqual({});
    expect(dataPlaneSettingsFromEnv({ SKIFF_DATA_PLANE_PORT: " " })).toEqual({});
  });

  it("reads the port (0 for a free one) and the host", () => {
    expect(dataPlaneSettingsFromEnv({ SKIFF_DATA_PLANE_PORT: "8788" })).toEqual({ dataPlanePort: 8788 });
    expect(
      dataPlaneSettingsFromEnv({ SKIFF_DATA_PLANE_PORT: "0", SKIFF_DATA_PLANE_HOST: " 0.0.0.0 " }),
    ).toEqual({ dataPlanePort: 0, dataPlaneHost: "0.0.0.0" });
  });

  it("refuses a port that is not one, and a host without a port", () => {
    for (const port of ["70000", "-1", "eighty", "80.5"]) {
      expect(() => dataPlaneSettingsFromEnv({ SKIFF_DATA_PLANE_PORT: port })).toThrow(/not a TCP port/);
    }
    expect(() => dataPlaneSettingsFromEnv({ SKIFF_DATA_PLANE_HOST: "0.0.0.0" })).toThrow(
      /SKIFF_DATA_PLANE_PORT is not/,
    );
  });
});
