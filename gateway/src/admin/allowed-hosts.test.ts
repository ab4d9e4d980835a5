import { describe, expect, it } from "vitest";
import { startHarness } from "../testing/harness.js";

const FN = "/api/v1/tenants/default/functions";

describe("config.allowedHosts at deploy", () => {
  it("stores valid entries", async () => {
    const h = await startHarness();
    const reply = await h.api("PUT", `${FN}/egress`, {
      body: {
        code: "export default {}",
        config: { allowedHosts: ["api.internal:8443", "10.0.0.0/8", "[::1]:80"] },
      },
    });
    expect(reply.status).toBe(201);
    expect(reply.json.version.config.allowedHosts).toEqual(["api.internal:8443", "10.0.0.0/8", "[::1]:80"]);
  });

  it("refuses malformed entries with 400 INVALID_CONFIG naming each, and stores nothing", async () => {
    const h = await startHarness();
    const reply = await h.api("PUT", `${FN}/egress`, {
      body: {
        code: "export default {}",
        config: { allowedHosts: ["ok.example", "bad host", "10.0.0.0/40"] },
      },
    });
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe("INVALID_CONFIG");
    expect(reply.json.error.message).toContain('"bad host"');
    expect(reply.json.error.message).toContain("10.0.0.0/40");
    expect(h.storage.functionRows.size).toBe(0);
  });
});
