// The JSON Schema of `skiff.jsonc`, made from the same zod schema the CLI checks files with, so editors and the
// CLI cannot disagree. `npm run schema -w cli` writes it to cli/schemas/skiff.schema.json.
import { z } from "zod";
import { skiffConfigSchema } from "./skiff-config-schema.js";

/** Where the generated schema is kept, relative to the cli package; `skiff init` points `$schema` at it. */
export const SCHEMA_FILE = "schemas/skiff.schema.json";

/** The schema document, as the input it accepts (fields with defaults stay optional). */
export function skiffConfigJsonSchema(): Record<string, unknown> {
  // Refinements (name rules, size limits of vars) cannot be said in JSON Schema; the CLI still checks them.
  return z.toJSONSchema(skiffConfigSchema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
}

/** The file's text: the schema as JSON, indented, with a final newline. */
export function skiffConfigJsonSchemaText(): string {
  return `${JSON.stringify(skiffConfigJsonSchema(), null, 2)}\n`;
}
