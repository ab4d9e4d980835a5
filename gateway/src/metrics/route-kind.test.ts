import { describe, expect, it } from "vitest";
import { routeKind } from "./route-kind.js";

const kind = (url: string, host?: string) => routeKind(new URL(url), host, "localhost");

describe("routeKind", () => {
  it("names the data plane by mount (path or function host) before any path prefix", () => {
    expect(kind("http://x/fn/acme/hello/api/v1")).toBe("function");
    expect(kind("http://hello.acme.localhost/metrics", "hello.acme.localhost:8787")).toBe("function");
  });

  it("names the platform's own routes by prefix, whole segments only", () => {
    expect(kind("http://x/api/v1/tenants")).toBe("admin");
    expect(kind("http://x/s3/bucket/key")).toBe("s3");
    expect(kind("http://x/s3")).toBe("s3");
    expect(kind("http://x/hooks/wh_1")).toBe("webhook");
    expect(kind("http://x/healthz")).toBe("health");
    expect(kind("http://x/metrics")).toBe("metrics");
    expect(kind("http://x/dashboard/fn/hello")).toBe("dashboard");
    expect(kind("http://x/metricsx")).toBe("other");
    expect(kind("http://x/s3x")).toBe("other");
    expect(kind("http://x/")).toBe("other");
  });
});
