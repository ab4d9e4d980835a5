// What the API shows of a version's code: the entry point and each module's path, type and size, never contents.
import type { CodeBundle, ModuleType } from "./code-bundle.js";

export interface ModuleSummary {
  path: string;
  type: ModuleType;
  /** Bytes the runtime loads: the module's code after any deploy-time transform, or a wasm module's bytes. */
  size: number;
}

export interface CodeSummary {
  main: string;
  /** Sorted by path. */
  modules: ModuleSummary[];
}

const utf8 = new TextEncoder();

/** The summary of a bundle, modules sorted by path. */
export function summarizeCodeBundle(bundle: CodeBundle): CodeSummary {
  const modules = Object.entries(bundle.modules)
    .map(([path, module]) => ({
      path,
      type: module.type,
      size: module.type === "wasm" ? base64Bytes(module.content) : utf8.encode(module.content).byteLength,
    }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { main: bundle.main, modules };
}

/** Decoded length of base64 text without decoding it. */
function base64Bytes(text: string): number {
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  return Math.floor((text.length * 3) / 4) - padding;
}
