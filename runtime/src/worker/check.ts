// Compiles a bundle's modules in a throwaway isolate to report syntax and import errors at deploy time.
// Nothing is evaluated: no tenant code runs.
import type { CodeBundle } from "@skiff/core";
import ivm from "isolated-vm";
import type { CheckResult } from "../types.js";
import { ModuleError, ModuleGraph } from "./module-graph.js";

export async function checkBundle(bundle: CodeBundle): Promise<CheckResult> {
  // Compiling a 10 MB module needs far more than its size; this runs in the dedicated check worker.
  const isolate = new ivm.Isolate({ memoryLimit: 1024 });
  try {
    await new ModuleGraph(isolate, bundle).compileAll();
    return { ok: true };
  } catch (error) {
    if (error instanceof ModuleError) {
      return {
        ok: false,
        error: {
          message: error.message,
          module: error.module,
          ...(error.line === undefined ? {} : { line: error.line }),
          ...(error.column === undefined ? {} : { column: error.column }),
        },
      };
    }
    return { ok: false, error: { message: error instanceof Error ? error.message : String(error) } };
  } finally {
    isolate.dispose();
  }
}
