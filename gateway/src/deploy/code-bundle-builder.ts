// Turns a deploy request's code (one module, or several) into the CodeBundle a version stores.
import {
  type CodeBundle,
  type CodeModule,
  isValidModulePath,
  LIMITS,
  type ModuleType,
  SkiffError,
} from "@skiff/core";
import { codeError } from "./code-error.js";
import { looksLikeCommonJs } from "./commonjs-detection.js";
import { resolveModuleImports, type SourceModule } from "./module-imports.js";
import { isCodeType, moduleKindOf, SUPPORTED_EXTENSIONS } from "./module-type.js";
import { rewriteSpecifiers } from "./specifier-rewrite.js";
import { transformTypeScript } from "./typescript-transform.js";

/** A module's upload: UTF-8 text, or any bytes as base64 (the only form for `.wasm`). */
export type ModuleInput = string | { base64: string };

/** The code part of a deploy: `code` (one module) or `modules`, with the entry point in `main`. */
export interface DeployCode {
  code?: string | undefined;
  modules?: Record<string, ModuleInput> | undefined;
  main?: string | undefined;
}

export const MAX_MODULES = 1000;
const DEFAULT_MAINS = ["index.js", "index.mjs", "index.ts", "index.mts", "index.cjs"];
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

interface DecodedModule {
  path: string;
  type: ModuleType;
  typescript: "ts" | "tsx" | undefined;
  /** Text of text-like modules; undefined for wasm. */
  text: string | undefined;
  bytes: Uint8Array | undefined;
}

/**
 * Validates every module (path, type from the extension, size, JSON that parses, wasm magic), transforms
 * TypeScript, checks that imports resolve between the modules and builds the bundle. Throws INVALID_CODE
 * (with file and line where there is one), INVALID_REQUEST or CODE_TOO_LARGE; runs no tenant code.
 *
 * @example
 * await buildCodeBundle({ modules: { "index.ts": "import { add } from './add.js'; …", "add.ts": "…" } });
 * // → { main: "index.ts", modules: { "index.ts": { type: "esm", content, sourceMap }, "add.ts": … } }
 */
export async function buildCodeBundle(input: DeployCode): Promise<CodeBundle> {
  const uploads = uploadsOf(input);
  const entries = Object.entries(uploads);
  if (entries.length === 0)
    throw new SkiffError("INVALID_CODE", "modules is empty: upload at least the main module");
  if (entries.length > MAX_MODULES) {
    throw new SkiffError("INVALID_CODE", `too many modules (${entries.length}): at most ${MAX_MODULES}`);
  }
  // Sizes first, so an oversized upload is refused before anything parses it.
  let total = 0;
  for (const [, upload] of entries) total += uploadBytes(upload);
  if (total > LIMITS.codeBytes) {
    throw new SkiffError("CODE_TOO_LARGE", `the code is larger than the limit of ${LIMITS.codeBytes} bytes`);
  }

  const decoded = entries.map(([path, upload]) => decode(path, upload));
  const paths = new Set(decoded.map((m) => m.path));
  const main = mainOf(input, decoded);

  const modules: Record<string, CodeModule> = {};
  const sources: SourceModule[] = [];
  for (const module of decoded) {
    modules[module.path] = await storedModule(module);
    if (isCodeType(module.type)) {
      sources.push({
        path: module.path,
        source: module.text as string,
        type: module.type as "esm" | "commonjs",
        loader: module.typescript ?? "js",
      });
    }
  }

  const rewrites = await resolveModuleImports(sources, paths);
  for (const [path, replacements] of rewrites) {
    const module = modules[path] as CodeModule;
    module.content = await rewriteSpecifiers(module.content, replacements);
  }
  return { main, modules };
}

function uploadsOf(input: DeployCode): Record<string, ModuleInput> {
  if (input.code !== undefined) {
    return { [input.main ?? "index.js"]: input.code };
  }
  return input.modules ?? {};
}

function uploadBytes(upload: ModuleInput): number {
  // base64 carries 3 bytes in 4 characters; exact enough to refuse before decoding.
  return typeof upload === "string"
    ? Buffer.byteLength(upload, "utf8")
    : Math.floor((upload.base64.length * 3) / 4);
}

function decode(path: string, upload: ModuleInput): DecodedModule {
  if (path === "__proto__" || !isValidModulePath(path)) {
    throw new SkiffError(
      "INVALID_CODE",
      `invalid module path ${JSON.stringify(path.slice(0, 300))}: use a relative path such as "lib/util.js", without "." or ".." segments`,
    );
  }
  const kind = moduleKindOf(path);
  if (kind === undefined) {
    throw new SkiffError(
      "INVALID_CODE",
      `${path}: unsupported module type; module names end in ${SUPPORTED_EXTENSIONS.join(", ")}`,
    );
  }
  let bytes: Uint8Array | undefined;
  let text: string | undefined;
  if (typeof upload === "string") {
    text = upload;
  } else {
    if (!BASE64.test(upload.base64))
      throw new SkiffError("INVALID_REQUEST", `${path}: base64 is not valid base64`);
    bytes = Buffer.from(upload.base64, "base64");
  }

  if (kind.type === "wasm") {
    if (bytes === undefined) {
      throw new SkiffError("INVALID_CODE", `${path}: upload WebAssembly as {"base64": "…"}, not as text`);
    }
    if (!WASM_MAGIC.every((byte, i) => bytes[i] === byte)) {
      throw new SkiffError(
        "INVALID_CODE",
        `${path}: not a WebAssembly module (it does not start with \\0asm)`,
      );
    }
    return { path, type: "wasm", typescript: undefined, text: undefined, bytes };
  }
  if (text === undefined) {
    try {
      text = strictUtf8.decode(bytes);
    } catch {
      throw new SkiffError("INVALID_CODE", `${path}: not valid UTF-8 text`);
    }
  }
  if (kind.type === "json") checkJson(path, text);
  const type =
    kind.type === "esm" && kind.typescript === undefined && looksLikeCommonJs(text) ? "commonjs" : kind.type;
  return { path, type, typescript: kind.typescript, text, bytes: undefined };
}

function checkJson(path: string, text: string): void {
  try {
    JSON.parse(text);
  } catch (error) {
    throw codeError({ file: path }, `not valid JSON: ${(error as Error).message}`);
  }
}

function mainOf(input: DeployCode, modules: DecodedModule[]): string {
  const paths = modules.map((m) => m.path);
  const main =
    input.main ??
    (paths.length === 1 ? paths[0] : DEFAULT_MAINS.find((candidate) => paths.includes(candidate)));
  if (main === undefined) {
    throw new SkiffError(
      "INVALID_REQUEST",
      `main is required: name the entry module, one of ${paths.slice(0, 5).join(", ")}`,
    );
  }
  const module = modules.find((m) => m.path === main);
  if (module === undefined)
    throw new SkiffError(
      "INVALID_CODE",
      `main names ${JSON.stringify(main)}, which is not among the modules`,
    );
  if (!isCodeType(module.type)) {
    throw new SkiffError(
      "INVALID_CODE",
      `main must be a JavaScript or TypeScript module, not ${module.type} (${main})`,
    );
  }
  if ((module.text as string).trim() === "") throw new SkiffError("INVALID_CODE", "the code is empty");
  return main;
}

async function storedModule(module: DecodedModule): Promise<CodeModule> {
  if (module.type === "wasm")
    return { type: "wasm", content: Buffer.from(module.bytes as Uint8Array).toString("base64") };
  const text = module.text as string;
  if (module.typescript !== undefined) {
    const { code, sourceMap } = await transformTypeScript(module.path, text, module.typescript);
    return { type: "esm", content: code, sourceMap };
  }
  return { type: module.type, content: text };
}
