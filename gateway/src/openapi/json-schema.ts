// zod → JSON Schema (2020-12, OpenAPI 3.1's dialect) with zod's own `z.toJSONSchema`; named schemas (`.meta({id})`)
// become shared components referenced by `$ref`.
import { z } from "zod";
import type { DocumentAs } from "./operation-spec.js";

export type JsonSchema = Record<string, unknown>;

const COMPONENT_REF = "#/components/schemas/";

/**
 * Converts schemas for one document, collecting the named ones as components. A schema that validates with
 * `z.custom()` piped into a real schema is documented as the real one; `documentAs` swaps in the shape that a
 * separate check accepts for a `z.unknown()` field.
 */
export class JsonSchemaConverter {
  readonly components: Record<string, JsonSchema> = {};

  convert(schema: z.ZodType, io: "input" | "output", documentAs: DocumentAs = []): JsonSchema {
    const replacements = new Map<unknown, z.ZodType>(documentAs);
    const json = z.toJSONSchema(schema, {
      target: "draft-2020-12",
      io,
      unrepresentable: "any",
      override: (ctx) => {
        const replacement = replacements.get(ctx.zodSchema) ?? customPipeTarget(ctx.zodSchema);
        if (replacement === undefined || replacement === (ctx.zodSchema as unknown)) return;
        const shown = this.convert(replacement, io, documentAs);
        for (const key of Object.keys(ctx.jsonSchema)) delete (ctx.jsonSchema as JsonSchema)[key];
        Object.assign(ctx.jsonSchema, shown);
      },
    }) as JsonSchema;
    const { $schema: _dialect, $defs, ...rest } = json;
    for (const [id, definition] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) {
      this.#addComponent(id, withComponentRefs(definition));
    }
    return withComponentRefs(rest);
  }

  #addComponent(id: string, definition: JsonSchema): void {
    const existing = this.components[id];
    if (existing !== undefined && JSON.stringify(existing) !== JSON.stringify(definition)) {
      // Two schemas under one id (or one named schema differing as input and output) would make one $ref lie.
      throw new Error(`two different schemas are named "${id}"`);
    }
    this.components[id] = definition;
  }
}

/** For `z.custom(check).pipe(real)`: the real schema, which is what clients should send. */
function customPipeTarget(schema: unknown): z.ZodType | undefined {
  const def = (schema as z.ZodType)._zod.def;
  if (def.type !== "pipe") return undefined;
  const { in: from, out } = def as unknown as { in: z.ZodType; out: z.ZodType };
  return from._zod.def.type === "custom" ? out : undefined;
}

function withComponentRefs(schema: JsonSchema): JsonSchema {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/$defs/', `"${COMPONENT_REF}`)) as JsonSchema;
}
