// The code of a version: one or more modules and the entry point. Stored as one JSON blob; the runtime loads it.
import { z } from "zod";
import { SkiffError } from "./errors.js";

/** How a module is loaded: as in Workers' module rules. TypeScript is transformed to `esm` at deploy. */
export type ModuleType = "esm" | "commonjs" | "json" | "wasm" | "text";

export interface CodeModule {
  type: ModuleType;
  /** UTF-8 source; base64 of the bytes for `wasm`. */
  content: string;
  /** Source map (JSON text) when the module was transformed at deploy, to map stack traces to the upload. */
  sourceMap?: string;
}

export interface CodeBundle {
  /** Path of the entry module, a key of `modules`. */
  main: string;
  /** Modules by relative POSIX path (`index.js`, `lib/util.js`): no leading `/`, no `.` or `..` segments. */
  modules: Record<string, CodeModule>;
}

const MODULE_PATH = /^(?!\/)(?!.*(?:^|\/)\.{1,2}(?:\/|$))[A-Za-z0-9_@.+\-/]{1,256}$/;

export const codeModuleSchema = z.strictObject({
  type: z.enum(["esm", "commonjs", "json", "wasm", "text"]),
  content: z.string(),
  sourceMap: z.string().optional(),
});

export const codeBundleSchema = z
  .strictObject({
    main: z.string(),
    modules: z.record(
      z.string().regex(MODULE_PATH, "module paths are relative, without '.' or '..' segments"),
      codeModuleSchema,
    ),
  })
  .refine((bundle) => Object.hasOwn(bundle.modules, bundle.main), {
    message: "main must name one of the modules",
    path: ["main"],
  });

/** True if `path` is an acceptable module path. */
export function isValidModulePath(path: string): boolean {
  return MODULE_PATH.test(path);
}

/** A bundle of one ES module, as a deploy with plain `code` makes. */
export function singleModuleBundle(code: string, main = "index.js"): CodeBundle {
  return { main, modules: { [main]: { type: "esm", content: code } } };
}

/** Parses a stored bundle; throws INVALID_CODE if it is not one. */
export function parseCodeBundle(json: string): CodeBundle {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new SkiffError("INVALID_CODE", "the stored code is not a valid bundle");
  }
  const parsed = codeBundleSchema.safeParse(value);
  if (!parsed.success) throw new SkiffError("INVALID_CODE", "the stored code is not a valid bundle");
  return parsed.data as CodeBundle;
}
