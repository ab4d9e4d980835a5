// The stored form of a CodeBundle: canonical JSON, so the same upload always gives the same code hash.
import type { CodeBundle, CodeModule } from "@skiff/core";

const utf8 = new TextEncoder();

/** UTF-8 JSON with module paths sorted and each module's fields in one order. */
export function encodeCodeBundle(bundle: CodeBundle): Uint8Array {
  const paths = Object.keys(bundle.modules).sort();
  const modules: Record<string, CodeModule> = {};
  for (const path of paths) {
    const module = bundle.modules[path] as CodeModule;
    modules[path] =
      module.sourceMap === undefined
        ? { type: module.type, content: module.content }
        : { type: module.type, content: module.content, sourceMap: module.sourceMap };
  }
  return utf8.encode(JSON.stringify({ main: bundle.main, modules }));
}
