// Between an operation's OpenAPI path (`{name}`) and the Hono route that serves it (`:name`, `*`), and from a
// request's method and path back to its operation.
import type { HttpMethod, OperationSpec } from "./operation-spec.js";

/** The path as Hono registers it: `{p}` → `:p`, the wildcard parameter → `*`. */
export function honoPathOf(spec: Pick<OperationSpec, "path" | "wildcard">): string {
  return spec.path.replace(/\{([^}]+)\}/g, (_, name: string) => (name === spec.wildcard ? "*" : `:${name}`));
}

function pattern(spec: OperationSpec): RegExp {
  const source = spec.path
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const param = /^\{([^}]+)\}$/.exec(part)?.[1];
      if (param === undefined) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      return param === spec.wildcard ? ".+" : "[^/]+";
    })
    .join("");
  return new RegExp(`^${source}$`);
}

/** The operation a request would reach, judged by method and path alone; a literal segment beats a parameter. */
export function findOperation(
  operations: readonly OperationSpec[],
  method: string,
  path: string,
): OperationSpec | undefined {
  const wanted = method.toLowerCase() as HttpMethod;
  const matches = operations.filter((spec) => spec.method === wanted && pattern(spec).test(path));
  // `/functions/{name}/logs` and `/functions/{name}/{…}`-like overlaps: prefer fewer parameters.
  return matches.sort((a, b) => paramCount(a) - paramCount(b))[0];
}

function paramCount(spec: OperationSpec): number {
  return (spec.path.match(/\{/g) ?? []).length;
}
