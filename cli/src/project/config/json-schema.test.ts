import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { SCHEMA_FILE, skiffConfigJsonSchema, skiffConfigJsonSchemaText } from "./json-schema.js";

const committed = new URL(`../../../${SCHEMA_FILE}`, import.meta.url);

describe("the JSON Schema of skiff.jsonc", () => {
  it("is current: regenerate it with `npm run build -w cli && npm run schema -w cli`", async () => {
    // Compared as data, so a formatter may lay the file out as it likes.
    expect(JSON.parse(await readFile(committed, "utf8"))).toEqual(JSON.parse(skiffConfigJsonSchemaText()));
  });

  it("refuses unknown fields, as the CLI does, and describes the fields for editors", () => {
    const schema = skiffConfigJsonSchema() as {
      additionalProperties: boolean;
      properties: Record<string, { description?: string; additionalProperties?: unknown }>;
    };
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(["$schema", "name", "main", "memoryMb", "vars", "triggers", "bindings", "env"]),
    );
    expect(schema.properties.memoryMb?.description).toContain("Memory limit");
    expect(schema.properties.triggers?.additionalProperties).toBe(false);
  });
});
