// Finds and resolves every import between uploaded modules with esbuild's parser, before anything is stored.
import { build, type ImportKind, type Message, type Plugin } from "esbuild";
import { resolveImport } from "./import-resolution.js";
import { fromEsbuildFailure } from "./typescript-transform.js";

export interface SourceModule {
  path: string;
  /** The uploaded source: TypeScript is parsed as such, so errors point at the uploaded lines. */
  source: string;
  type: "esm" | "commonjs";
  loader: "js" | "ts" | "tsx";
}

/** Per importing module: specifiers that must be rewritten to name their module exactly (old → new). */
export type SpecifierRewrites = Map<string, Map<string, string>>;

const NAMESPACE = "skiff-module";
const PLUGIN = "skiff-uploaded-modules";

/**
 * Checks that every static import and every relative dynamic import of `modules` names an uploaded module
 * (one of `paths`); answers INVALID_CODE with the file and line of the first that does not. Bare dynamic
 * imports and `require` of packages are left to fail at run time, where code often guards them.
 *
 * A JavaScript module esbuild can not parse is left to the runtime's check: V8 is the judge of what runs, and
 * its message is the one a developer sees at run time. TypeScript was parsed by esbuild already.
 */
export async function resolveModuleImports(
  modules: readonly SourceModule[],
  paths: ReadonlySet<string>,
): Promise<SpecifierRewrites> {
  const rewrites: SpecifierRewrites = new Map();
  if (modules.length === 0) return rewrites;
  const byPath = new Map(modules.map((m) => [m.path, m]));

  const plugin: Plugin = {
    name: PLUGIN,
    setup(esbuild) {
      esbuild.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === "entry-point") return { path: args.path, namespace: NAMESPACE };
        const importer = byPath.get(args.importer);
        const external = { path: args.path, external: true };
        if (importer === undefined) return external;
        const problem = check(importer, args.path, args.kind, paths, rewrites);
        return problem === undefined ? external : { errors: [{ text: problem }] };
      });
      esbuild.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => {
        const module = byPath.get(args.path) as SourceModule;
        return { contents: module.source, loader: module.loader };
      });
    },
  };

  try {
    await build({
      entryPoints: modules.map((m, i) => ({ in: m.path, out: `m${i}` })),
      bundle: true,
      write: false,
      outdir: "out",
      format: "esm",
      platform: "neutral",
      logLevel: "silent",
      plugins: [plugin],
    });
  } catch (error) {
    const errors = (error as { errors?: Message[] }).errors ?? [];
    const ours = errors.filter((m) => m.pluginName === PLUGIN);
    if (ours.length > 0) throw fromEsbuildFailure(modules[0]?.path ?? "", { errors: ours });
    if (errors.length === 0 || !errors.every((m) => isJavaScript(m, byPath))) {
      throw fromEsbuildFailure(modules[0]?.path ?? "", error);
    }
  }
  return rewrites;
}

/** Undefined if the import is fine (recording a rewrite when needed), else the problem in words. */
function check(
  importer: SourceModule,
  specifier: string,
  kind: ImportKind,
  paths: ReadonlySet<string>,
  rewrites: SpecifierRewrites,
): string | undefined {
  const relative = specifier.startsWith("./") || specifier.startsWith("../");
  if (kind === "require-call" || kind === "require-resolve") {
    if (!relative) return undefined;
    return `require("${specifier}") between uploaded modules is not supported: use ES modules (import), or bundle (skiff deploy does)`;
  }
  if (kind === "dynamic-import" && !relative) return undefined;
  const resolution = resolveImport(importer.path, specifier, paths);
  if (!resolution.ok) return resolution.message;
  if (resolution.specifier !== specifier) {
    let forModule = rewrites.get(importer.path);
    if (forModule === undefined) {
      forModule = new Map();
      rewrites.set(importer.path, forModule);
    }
    forModule.set(specifier, resolution.specifier);
  }
  return undefined;
}

/** True for an esbuild error located in an uploaded JavaScript (not TypeScript) module. */
function isJavaScript(message: Message, byPath: ReadonlyMap<string, SourceModule>): boolean {
  const file = message.location?.file ?? "";
  const path = file.startsWith(`${NAMESPACE}:`) ? file.slice(NAMESPACE.length + 1) : file;
  return byPath.get(path)?.loader === "js";
}
