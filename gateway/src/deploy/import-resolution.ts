// Resolving an import between uploaded modules, as the runtime will: relative paths within the bundle only.
import { posix } from "node:path";

export type Resolution = { ok: true; path: string; specifier: string } | { ok: false; message: string };

/** What a TypeScript import may write for a module uploaded as `.ts` (NodeNext style, `./util.js`). */
const TS_SWAPS: Record<string, string[]> = {
  ".js": [".ts", ".tsx"],
  ".mjs": [".mts"],
  ".jsx": [".tsx"],
};

/** Tried, in order, for a specifier without an extension (bundler style, `./util`). */
const EXTENSION_PROBES = [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json", "/index.ts", "/index.js"];

/**
 * Resolves `specifier`, imported by the module at `importer`, to one of `paths`. The runtime resolves only the
 * exact relative path, so a match found by TypeScript's conventions (`./util.js` for `util.ts`, or `./util`)
 * comes back with the exact `specifier` to write instead.
 *
 * @example
 * resolveImport("src/index.ts", "./util.js", new Set(["src/util.ts"]));
 * // → { ok: true, path: "src/util.ts", specifier: "./util.ts" }
 */
export function resolveImport(importer: string, specifier: string, paths: ReadonlySet<string>): Resolution {
  if (!specifier.startsWith("./") && !specifier.startsWith("../")) {
    return { ok: false, message: bareImportMessage(specifier) };
  }
  const exact = posix.normalize(posix.join(posix.dirname(importer), specifier));
  if (exact === ".." || exact.startsWith("../")) {
    return { ok: false, message: `cannot import "${specifier}": it points outside the uploaded modules` };
  }
  for (const candidate of candidates(exact)) {
    if (paths.has(candidate)) {
      return {
        ok: true,
        path: candidate,
        specifier: candidate === exact ? specifier : relativeSpecifier(importer, candidate),
      };
    }
  }
  return { ok: false, message: `cannot import "${specifier}": no module ${exact} was uploaded` };
}

function candidates(exact: string): string[] {
  const extension = posix.extname(exact);
  const swaps = TS_SWAPS[extension];
  if (swaps !== undefined) return [exact, ...swaps.map((swap) => exact.slice(0, -extension.length) + swap)];
  return [exact, ...EXTENSION_PROBES.map((probe) => exact + probe)];
}

/** `./x` or `../x` from the importer's folder to `target`. */
function relativeSpecifier(importer: string, target: string): string {
  const relative = posix.relative(posix.dirname(importer), target);
  return relative.startsWith("../") ? relative : `./${relative}`;
}

function bareImportMessage(specifier: string): string {
  if (specifier.startsWith("node:")) {
    return `cannot import "${specifier}": Node.js built-in modules are not available, only Web APIs`;
  }
  if (specifier.startsWith("/")) {
    return `cannot import "${specifier}": import uploaded modules by relative path ("./…" or "../…")`;
  }
  return (
    `cannot import "${specifier}": only relative imports of uploaded modules work; ` +
    "bundle npm packages into the upload (skiff deploy does)"
  );
}
