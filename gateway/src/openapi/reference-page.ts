// The admin API's reference page: one server-rendered HTML page read from the OpenAPI document, with no scripts
// and no assets from elsewhere, so it works offline and behind any content security policy.
import type { JsonSchema } from "./json-schema.js";
import type { OpenApiDocument } from "./openapi-document.js";

const COMPONENT_REF = "#/components/schemas/";
/** Nested object tables deeper than this show a type name only; the full schema is one click away. */
const MAX_DEPTH = 3;

const STYLE = `
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2430;background:#fafbfc}
header{padding:1.5rem 2rem;background:#14213d;color:#fff}header a{color:#9fd3ff}
header code{background:#2a3b63;color:#fff}
.layout{display:flex;align-items:flex-start}
nav{position:sticky;top:0;max-height:100vh;overflow:auto;width:22rem;padding:1rem;box-sizing:border-box;font-size:13px}
nav h3{margin:1rem 0 .25rem;font-size:13px;text-transform:uppercase;color:#56606e}
nav a{display:block;color:#1d2430;text-decoration:none;padding:1px 0}nav a:hover{text-decoration:underline}
main{flex:1;min-width:0;padding:1rem 2rem 4rem;max-width:64rem}
section.op{background:#fff;border:1px solid #dde2e8;border-radius:6px;padding:1rem 1.25rem;margin:1rem 0}
h2{margin-top:2.5rem;border-bottom:1px solid #dde2e8}
h3.op-title{margin:0;font-family:ui-monospace,monospace;font-size:15px;word-break:break-all}
.m{display:inline-block;min-width:4.2em;text-align:center;border-radius:3px;color:#fff;font-size:12px;padding:1px 4px;margin-right:.5em}
.get{background:#2f7d32}.post{background:#1565c0}.put{background:#b26a00}.delete{background:#c62828}.patch{background:#6a1b9a}
.auth{color:#56606e;font-size:13px}
table{border-collapse:collapse;width:100%;margin:.5rem 0;font-size:13px}
th,td{border:1px solid #e4e8ee;padding:4px 6px;text-align:left;vertical-align:top}th{background:#f3f5f8}
code{font-family:ui-monospace,monospace;font-size:12.5px;background:#f1f3f6;padding:0 3px;border-radius:3px}
.req{color:#c62828}.type{font-family:ui-monospace,monospace;font-size:12.5px;color:#6a1b9a}
details pre{background:#f6f8fa;padding:.5rem;overflow:auto;font-size:12px}
`;

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** Escaped text with `code` spans and paragraphs, as the descriptions write them. */
function prose(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/`([^`]+)`/g, "<code>$1</code>")}</p>`)
    .join("");
}

function anchorOf(ref: string): string {
  return `schema-${ref.slice(COMPONENT_REF.length)}`;
}

/** A short name for a schema's type: `string`, `array of Invocation`, `"a" | "b"`, `map of string`. */
export function typeLabel(schema: JsonSchema | undefined): string {
  if (schema === undefined || Object.keys(schema).filter((k) => k !== "description").length === 0)
    return "any";
  const ref = schema.$ref;
  if (typeof ref === "string" && ref.startsWith(COMPONENT_REF)) {
    const name = ref.slice(COMPONENT_REF.length);
    return `<a href="#${escapeHtml(anchorOf(ref))}">${escapeHtml(name)}</a>`;
  }
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => escapeHtml(JSON.stringify(v))).join(" | ");
  if ("const" in schema) return escapeHtml(JSON.stringify(schema.const));
  const alternatives = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(alternatives)) return alternatives.map((s) => typeLabel(s)).join(" | ");
  const type = schema.type;
  if (Array.isArray(type)) return type.map((t) => typeLabel({ ...schema, type: t })).join(" | ");
  if (type === "array") {
    if (Array.isArray(schema.prefixItems)) {
      return `[${(schema.prefixItems as JsonSchema[]).map((s) => typeLabel(s)).join(", ")}]`;
    }
    return `array of ${typeLabel(schema.items as JsonSchema | undefined)}`;
  }
  if (
    type === "object" &&
    schema.properties === undefined &&
    typeof schema.additionalProperties === "object"
  ) {
    return `map of ${typeLabel(schema.additionalProperties as JsonSchema)}`;
  }
  if (typeof type === "string")
    return escapeHtml(typeof schema.format === "string" ? `${type} (${schema.format})` : type);
  return "any";
}

/** Bounds worth showing next to a field: lengths, ranges, patterns. */
function constraints(schema: JsonSchema): string {
  const parts: string[] = [];
  const bound = (key: string, text: string) => {
    const value = schema[key];
    // zod states every integer's safe range; that says nothing a reader needs.
    if (typeof value === "number" && Math.abs(value) < Number.MAX_SAFE_INTEGER)
      parts.push(`${text} ${value}`);
  };
  bound("minimum", "≥");
  bound("maximum", "≤");
  bound("minLength", "length ≥");
  bound("maxLength", "length ≤");
  bound("minItems", "items ≥");
  bound("maxItems", "items ≤");
  if (typeof schema.pattern === "string" && schema.format === undefined)
    parts.push(`pattern <code>${escapeHtml(schema.pattern)}</code>`);
  return parts.join(", ");
}

/** The object behind a schema that is one (possibly nullable), for a property table. */
function objectOf(schema: JsonSchema): JsonSchema | undefined {
  if (schema.type === "object" && typeof schema.properties === "object") return schema;
  const alternatives = schema.anyOf as JsonSchema[] | undefined;
  if (Array.isArray(alternatives)) {
    const objects = alternatives.filter((s) => s.type === "object" && typeof s.properties === "object");
    const rest = alternatives.filter((s) => !objects.includes(s));
    if (objects.length === 1 && rest.every((s) => s.type === "null")) return objects[0];
  }
  return undefined;
}

/** A schema as a property table (objects), alternatives (unions of objects), or its type label. */
export function schemaView(schema: JsonSchema, depth = 0): string {
  const object = objectOf(schema);
  if (object !== undefined && depth < MAX_DEPTH) return propertyTable(object, depth);
  const alternatives = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (
    Array.isArray(alternatives) &&
    depth < MAX_DEPTH &&
    alternatives.some((s) => objectOf(s) !== undefined)
  ) {
    return alternatives
      .map((s, i) => `<div><em>${i === 0 ? "either" : "or"}</em> ${schemaView(s, depth + 1)}</div>`)
      .join("");
  }
  const description = typeof schema.description === "string" ? ` — ${escapeHtml(schema.description)}` : "";
  return `<span class="type">${typeLabel(schema)}</span>${description}`;
}

function propertyTable(schema: JsonSchema, depth: number): string {
  const properties = schema.properties as Record<string, JsonSchema>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const rows = Object.entries(properties).map(([name, property]) => {
    const nested = objectOf(property) ?? objectOf((property.items as JsonSchema | undefined) ?? {});
    const type = `<span class="type">${typeLabel(property)}</span>`;
    const inner = nested !== undefined && depth + 1 < MAX_DEPTH ? propertyTable(nested, depth + 1) : "";
    const description = typeof property.description === "string" ? escapeHtml(property.description) : "";
    const bounds = constraints(property);
    return `<tr><td><code>${escapeHtml(name)}</code>${required.has(name) ? ' <span class="req">required</span>' : ""}</td><td>${type}</td><td>${[description, bounds].filter(Boolean).join("<br>")}${inner}</td></tr>`;
  });
  if (rows.length === 0) return `<span class="type">object</span> (no fields)`;
  return `<table><tr><th>field</th><th>type</th><th>about</th></tr>${rows.join("")}</table>`;
}

function fullSchema(schema: JsonSchema): string {
  // A bare reference says nothing its link does not.
  if (Object.keys(schema).length === 1 && typeof schema.$ref === "string") return "";
  return `<details><summary>JSON Schema</summary><pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre></details>`;
}

function contentView(content: Record<string, { schema?: JsonSchema }> | undefined): string {
  if (content === undefined) return "";
  return Object.entries(content)
    .map(([type, media]) =>
      media.schema === undefined
        ? `<div><code>${escapeHtml(type)}</code></div>`
        : `<div><code>${escapeHtml(type)}</code> ${schemaView(media.schema)}${fullSchema(media.schema)}</div>`,
    )
    .join("");
}

type Operation = Record<string, unknown> & {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters?: Array<{
    name: string;
    in: string;
    required: boolean;
    description?: string;
    schema: JsonSchema;
  }>;
  requestBody?: { required: boolean; description?: string; content: Record<string, { schema?: JsonSchema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema?: JsonSchema }> }>;
};

function operationView(method: string, path: string, op: Operation): string {
  const parameters = op.parameters ?? [];
  const parameterRows = parameters
    .map(
      (p) =>
        `<tr><td><code>${escapeHtml(p.name)}</code>${p.required ? ' <span class="req">required</span>' : ""}</td><td>${escapeHtml(p.in)}</td><td><span class="type">${typeLabel(p.schema)}</span></td><td>${[p.description ? escapeHtml(p.description) : "", constraints(p.schema)].filter(Boolean).join("<br>")}</td></tr>`,
    )
    .join("");
  const body = op.requestBody;
  const responses = Object.entries(op.responses)
    .map(
      ([status, response]) =>
        `<tr><td><code>${escapeHtml(status)}</code></td><td>${escapeHtml(response.description)}${contentView(response.content)}</td></tr>`,
    )
    .join("");
  return `<section class="op" id="${escapeHtml(op.operationId)}">
<h3 class="op-title"><span class="m ${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span>${escapeHtml(path)}</h3>
<p><strong>${escapeHtml(op.summary)}</strong> <span class="auth">· <code>${escapeHtml(op.operationId)}</code></span></p>
${op.description === undefined ? "" : prose(op.description)}
${parameters.length === 0 ? "" : `<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>type</th><th>about</th></tr>${parameterRows}</table>`}
${body === undefined ? "" : `<h4>Request body${body.required ? "" : " (optional)"}</h4>${body.description ? prose(body.description) : ""}${contentView(body.content)}`}
<h4>Responses</h4><table><tr><th>status</th><th>answer</th></tr>${responses}</table>
</section>`;
}

/** The whole page for `document`. */
export function renderReferencePage(document: OpenApiDocument): string {
  const byTag = new Map<string, Array<{ method: string; path: string; op: Operation }>>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const operation = op as Operation;
      const tag = operation.tags[0] ?? "Other";
      byTag.set(tag, [...(byTag.get(tag) ?? []), { method, path, op: operation }]);
    }
  }
  const nav = [...byTag]
    .map(
      ([tag, ops]) =>
        `<h3>${escapeHtml(tag)}</h3>${ops.map(({ method, op }) => `<a href="#${escapeHtml(op.operationId)}"><span class="m ${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span>${escapeHtml(op.summary)}</a>`).join("")}`,
    )
    .join("");
  const sections = [...byTag]
    .map(
      ([tag, ops]) =>
        `<h2>${escapeHtml(tag)}</h2>${ops.map(({ method, path, op }) => operationView(method, path, op)).join("")}`,
    )
    .join("");
  const schemas = Object.entries(document.components.schemas)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([name, schema]) =>
        `<section class="op" id="${escapeHtml(anchorOf(COMPONENT_REF + name))}"><h3 class="op-title">${escapeHtml(name)}</h3>${typeof schema.description === "string" ? prose(schema.description) : ""}${schemaView(schema)}${fullSchema(schema)}</section>`,
    )
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(document.info.title)} reference</title><style>${STYLE}</style></head>
<body><header><h1>${escapeHtml(document.info.title)} <small>${escapeHtml(document.info.version)}</small></h1>
${prose(document.info.description)}<p>Machine-readable: <a href="openapi.json">openapi.json</a> (OpenAPI ${escapeHtml(document.openapi)}).</p></header>
<div class="layout"><nav>${nav}<h3>Schemas</h3>${Object.keys(document.components.schemas)
    .sort()
    .map((name) => `<a href="#${escapeHtml(anchorOf(COMPONENT_REF + name))}">${escapeHtml(name)}</a>`)
    .join("")}</nav>
<main>${sections}<h2>Schemas</h2>${schemas}</main></div></body></html>`;
}
