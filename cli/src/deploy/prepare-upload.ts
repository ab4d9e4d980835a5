// Turns `skiff deploy <file-or-dir>` into the code part of a deploy request: the file as it is, or a bundle.
import { readFile, stat } from "node:fs/promises";
import { basename, dirname, extname, relative, resolve } from "node:path";
import { isValidModulePath } from "@skiff/core";
import { CliError } from "../cli-error.js";
import { bundleEntry, isSyntaxErrorIn, type UploadModule } from "./bundle.js";
import { findProjectEntry, readPackageInfo } from "./project-entry.js";

export type UploadCode =
  | { code: string; main?: string }
  | { modules: Record<string, UploadModule>; main: string };

export interface PreparedUpload {
  upload: UploadCode;
  /** The function name to use when --name is absent: the file's name, or the project's. */
  defaultName: string;
  /** How the code was made, for the person: "file" or "bundle of N files". */
  description: string;
}

/**
 * A file without imports goes up as it is (so the server reports errors at its own lines, and TypeScript is
 * transformed there); a file with imports, or a directory, is bundled with esbuild.
 */
export async function prepareUpload(
  cwd: string,
  target: string,
  main: string | undefined,
): Promise<PreparedUpload> {
  const path = resolve(cwd, target);
  const kind = await pathKind(path, target, cwd);
  if (kind === "directory") {
    const entry = await findProjectEntry(path, main);
    const info = await readPackageInfo(path);
    const packageName = info.name?.replace(/^@[^/]+\//, "");
    const bundle = await bundleEntry(entry, path);
    return {
      upload: { modules: bundle.modules, main: bundle.main },
      defaultName: packageName ?? basename(path),
      description: `bundle of ${bundle.inputs.length} file${bundle.inputs.length === 1 ? "" : "s"}`,
    };
  }
  if (main !== undefined) {
    throw new CliError(
      "--main is for a project directory",
      `deploy the directory, or drop --main and deploy ${target}`,
    );
  }

  const source = await readFile(path, "utf8");
  const defaultName = basename(path, extname(path));
  const workingDir = dirname(path);
  const asIs = { upload: asIsUpload(path, source), defaultName, description: "file" };
  let bundle: Awaited<ReturnType<typeof bundleEntry>>;
  try {
    bundle = await bundleEntry(path, workingDir);
  } catch (error) {
    // A syntax error in the file itself: the server names it with the same line, and more precisely.
    const buildErrors = (error as { buildErrors?: unknown }).buildErrors;
    if (isSyntaxErrorIn({ errors: buildErrors }, relative(workingDir, path).split("\\").join("/")))
      return asIs;
    throw error;
  }
  if (bundle.entryImports === 0) return asIs;
  return {
    upload: { modules: bundle.modules, main: bundle.main },
    defaultName,
    description: `bundle of ${bundle.inputs.length} files`,
  };
}

function asIsUpload(path: string, source: string): UploadCode {
  const name = basename(path);
  if (/\.(?:m?js)$/i.test(name)) return { code: source };
  // TypeScript and other kinds keep their name, which tells the server how to load them.
  return { code: source, main: isValidModulePath(name) ? name : `index${extname(name).toLowerCase()}` };
}

async function pathKind(path: string, target: string, cwd: string): Promise<"file" | "directory"> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) return "directory";
    if (info.isFile()) return "file";
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    throw new CliError(
      `cannot read ${target}: no such file`,
      `give the path of a module or a project directory, relative to ${cwd}`,
    );
  }
  throw new CliError(`cannot read ${target}: not a file or directory`);
}
