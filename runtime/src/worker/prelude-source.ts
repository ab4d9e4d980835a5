// The bundled prelude (built by scripts/build-prelude.mjs), read once per worker.
import { readFileSync } from "node:fs";

let source: string | undefined;

export function preludeSource(): string {
  // Tests run this file from src/, where the bundle is not; they use the build in dist/.
  const path = import.meta.url.endsWith(".ts") ? "../../dist/prelude.js" : "../prelude.js";
  source ??= readFileSync(new URL(path, import.meta.url), "utf8");
  return source;
}
