import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../testing/harness.js";
import { buildOpenApiDocument } from "./openapi-document.js";
import { escapeHtml, renderReferencePage, schemaView, typeLabel } from "./reference-page.js";
import { ADMIN_OPERATIONS } from "./registry.js";

const document = buildOpenApiDocument(ADMIN_OPERATIONS, "1.0.0");
const page = renderReferencePage(document);

describe("the reference page", () => {
  it("lists every operation with its method, path and an anchor", () => {
    for (const spec of ADMIN_OPERATIONS) {
      expect(page).toContain(`id="${spec.operationId}"`);
      expect(page).toContain(`href="#${spec.operationId}"`);
      expect(page).toContain(`${spec.method.toUpperCase()}</span>${escapeHtml(spec.path)}</h3>`);
    }
  });

  it("shows every named schema, and links to it where it is used", () => {
    for (const name of Object.keys(document.components.schemas)) {
      expect(page).toContain(`id="schema-${name}"`);
    }
    expect(page).toContain('<a href="#schema-Invocation">Invocation</a>');
  });

  it("shows parameters and body fields with their types and bounds", () => {
    const logs = page.slice(
      page.indexOf('id="getLogs"'),
      page.indexOf("</section>", page.indexOf('id="getLogs"')),
    );
    expect(logs).toContain("<code>level</code>");
    expect(logs).toContain(escapeHtml('"debug" | "info" | "log" | "warn" | "error"'));
    const deploy = page.slice(page.indexOf('id="deployFunction"'));
    expect(deploy).toContain("<code>memoryMb</code>");
    expect(deploy).toContain("≥ 16, ≤ 2048");
  });

  it("loads nothing from elsewhere and runs no script", () => {
    expect(page).not.toMatch(/<script|<link|src=/i);
    expect(page).not.toMatch(/href="https?:/);
  });

  it("escapes what it shows", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    expect(schemaView({ type: "string", description: "<img onerror=x>" })).not.toContain("<img");
  });
});

describe("typeLabel", () => {
  it("names types the way a reader scans them", () => {
    expect(typeLabel({ type: "integer" })).toBe("integer");
    expect(typeLabel({ type: "array", items: { type: "string" } })).toBe("array of string");
    expect(typeLabel({ anyOf: [{ type: "string" }, { type: "null" }] })).toBe("string | null");
    expect(typeLabel({ type: "object", additionalProperties: { type: "string" } })).toBe("map of string");
    expect(typeLabel({ enum: ["a", "b"] })).toBe("&quot;a&quot; | &quot;b&quot;");
    expect(typeLabel({})).toBe("any");
  });
});

describe("serving the description", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness.gateway.close();
  });

  it("serves the OpenAPI document without a key", async () => {
    const reply = await harness.gateway.app.request("/api/v1/openapi.json");
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toMatch(/^application\/json/);
    const served = (await reply.json()) as typeof document;
    expect(served.openapi).toBe("3.1.0");
    expect(Object.keys(served.paths)).toEqual(Object.keys(document.paths));
  });

  it("serves the reference page without a key", async () => {
    const reply = await harness.gateway.app.request("/api/v1/docs");
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await reply.text()).toBe(page);
  });

  it("still asks for a key everywhere else under /api/v1", async () => {
    const reply = await harness.gateway.app.request("/api/v1/tenants");
    expect(reply.status).toBe(401);
    const missing = await harness.gateway.app.request("/api/v1/docs/extra");
    expect(missing.status).toBe(401);
  });
});
