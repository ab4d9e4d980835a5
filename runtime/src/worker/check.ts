// Compiles a module in a throwaway isolate to report syntax errors at deploy time (never runs it).
import ivm from "isolated-vm";
import type { CheckResult } from "../types.js";

const LOCATION = /\[file:\/\/\/worker\.js:(\d+):(\d+)\]\s*$/;

export async function checkModule(code: string): Promise<CheckResult> {
  const isolate = new ivm.Isolate({ memoryLimit: 64 });
  try {
    const module = await isolate.compileModule(code, { filename: "file:///worker.js" });
    const imports = module.dependencySpecifiers;
    if (imports.length > 0) {
      return {
        ok: false,
        error: {
          message: `imports are not supported (${imports.map((s) => JSON.stringify(s)).join(", ")}): bundle the function into one module`,
        },
      };
    }
    return { ok: true };
  } catch (error) {
    const raw = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const match = LOCATION.exec(raw);
    const message = raw.replace(LOCATION, "").trim();
    if (match === null) return { ok: false, error: { message } };
    return {
      ok: false,
      error: {
        message: `${message} (line ${match[1]}, column ${match[2]})`,
        line: Number(match[1]),
        column: Number(match[2]),
      },
    };
  } finally {
    isolate.dispose();
  }
}
