import { describe, expect, it } from "vitest";
import { CliError } from "../cli-error.js";
import { httpSettingsFromEnv } from "./http-settings.js";

describe("httpSettingsFromEnv", () => {
  it("keeps every default when nothing is set", () => {
    expect(httpSettingsFromEnv({})).toEqual({ http: {} });
  });

  it("reads each SKIFF_HTTP_* variable and SKIFF_DRAIN_MS", () => {
    expect(
      httpSettingsFromEnv({
        SKIFF_HTTP_HEADERS_TIMEOUT_MS: "3000",
        SKIFF_HTTP_REQUEST_TIMEOUT_MS: "20000",
        SKIFF_HTTP_KEEP_ALIVE_TIMEOUT_MS: "4000",
        SKIFF_HTTP_CHECK_INTERVAL_MS: "500",
        SKIFF_HTTP_MAX_HEADER_BYTES: "16384",
        SKIFF_HTTP_MAX_REQUESTS_PER_SOCKET: "100",
        SKIFF_HTTP_MAX_URL_BYTES: "2048",
        SKIFF_DRAIN_MS: " 7000 ",
      }),
    ).toEqual({
      http: {
        headersTimeoutMs: 3000,
        requestTimeoutMs: 20000,
        keepAliveTimeoutMs: 4000,
        connectionsCheckingIntervalMs: 500,
        maxHeaderBytes: 16384,
        maxRequestsPerSocket: 100,
      },
      maxUrlBytes: 2048,
      drainMs: 7000,
    });
  });

  it.each(["0", "-5", "1.5", "ten", "1e4", "99999999999999999999"])("refuses %s with a hint", (value) => {
    expect(() => httpSettingsFromEnv({ SKIFF_HTTP_HEADERS_TIMEOUT_MS: value })).toThrow(CliError);
  });
});
