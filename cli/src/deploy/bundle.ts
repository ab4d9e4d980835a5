// Bundles a function's entry module and everything it imports (npm packages too) into upload-ready modules.
import { relative } from "node:path";
import {
  type BuildFailure,
  type BuildOptions,
  build,
  type Message,
  type Metafile,
  type OutputFile,
} from "esbuild";
import { CliError } from "../cli-error.js";

/** A module as the deploy API takes it: text, or bytes as base64. */
export type UploadModule = string | { base64: string };

export interface BundleResult {
  main: string;
  modules: Record<string, UploadModule>;
  /** Paths of the source files the bundle holds, relative to the working directory. */
  inputs: string[];
  /** Imports of the entry module; none means the file can be uploaded as it is. */
  entryImports: number;
}

/** Where output paths are computed against; nothing is written (write: false). */
const OUT_DIR = "/skiff-bundle-out";

/**
 * Bundles `entry` as a Workers module: ES module output, no Node built-ins, packages resolved with their
 * browser / worker builds. Imported `.wasm` files become separate modules next to the bundle.
 *
 * @example
 * const { main, modules } = await bundleEntry("/work/app/src/index.ts", "/work/app");
 */
export async function bundleEntry(entry: string, workingDir: string): Promise<BundleResult> {
  let result: { outputFiles: OutputFile[]; metafile: Metafile };
  try {
    result = await build(bundleOptions(entry, workingDir));
  } catch (error) {
    throw bundleError(error, workingDir);
  }
  return bundleResult(result.outputFiles, result.metafile, entry, workingDir);
}

/** esbuild's options for a function's bundle; `skiff dev` watches with the same ones. */
export function bundleOptions(entry: string, workingDir: string) {
  return {
    entryPoints: [entry],
    absWorkingDir: workingDir,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    mainFields: ["browser", "module", "main"],
    conditions: ["worker", "browser"],
    loader: { ".wasm": "copy", ".txt": "text", ".html": "text" },
    // Libraries read process.env.NODE_ENV to pick their production build; there is no `process` in an isolate.
    define: { "process.env.NODE_ENV": '"production"' },
    entryNames: "[name]",
    assetNames: "[name]-[hash]",
    outdir: OUT_DIR,
    write: false,
    metafile: true,
    logLevel: "silent",
  } as const satisfies BuildOptions;
}

/** The upload-ready modules of a build made with {@link bundleOptions}. */
export function bundleResult(
  outputFiles: OutputFile[],
  metafile: Metafile,
  entry: string,
  workingDir: string,
): BundleResult {
  const modules: Record<string, UploadModule> = {};
  let main: string | undefined;
  for (const file of outputFiles) {
    const path = relative(OUT_DIR, file.path).split("\\").join("/");
    if (path.endsWith(".wasm")) {
      modules[path] = { base64: Buffer.from(file.contents).toString("base64") };
    } else if (path.endsWith(".js")) {
      modules[path] = file.text;
      main ??= path;
    } else {
      throw new CliError(
        `the bundle has a file of a type Skiff does not load: ${path}`,
        "import only JavaScript, TypeScript, JSON, .txt, .html and .wasm files",
      );
    }
  }
  const entryKey = relative(workingDir, entry).split("\\").join("/");
  return {
    main: main as string,
    modules,
    inputs: Object.keys(metafile.inputs),
    entryImports: metafile.inputs[entryKey]?.imports.length ?? 0,
  };
}

/** True if esbuild failed only on the syntax of `entry` itself, which the server reports as well. */
export function isSyntaxErrorIn(error: unknown, entryKey: string): boolean {
  const errors = (error as Partial<BuildFailure>).errors;
  return (
    Array.isArray(errors) &&
    errors.length > 0 &&
    errors.every((m) => m.location?.file === entryKey && !m.text.startsWith("Could not resolve"))
  );
}

/** esbuild's failure as a CliError naming each error's place (up to five), or `error` itself if it is not one. */
export function bundleError(error: unknown, workingDir: string): unknown {
  const errors = (error as Partial<BuildFailure>).errors;
  if (!Array.isArray(errors) || errors.length === 0) return error;
  const lines = errors.slice(0, 5).map((m) => formatMessage(m));
  const more = errors.length > 5 ? `\n  … and ${errors.length - 5} more` : "";
  const unresolved = errors.some((m) => m.text.startsWith("Could not resolve"));
  const failure = new CliError(
    `cannot bundle the function:\n  ${lines.join("\n  ")}${more}`,
    unresolved
      ? `install the project's dependencies (npm install in ${workingDir}); Node.js built-ins (fs, path, …) are not available in Skiff`
      : "fix the code at the place shown",
  );
  (failure as { buildErrors?: Message[] }).buildErrors = errors;
  return failure;
}

function formatMessage(message: Message): string {
  const where = message.location
    ? `${message.location.file}:${message.location.line}:${message.location.column + 1}: `
    : "";
  return `${where}${message.text}`;
}
