// Compiles and links a version's modules inside one isolate: ES modules as they are, CommonJS, JSON, text and
// WebAssembly modules through small generated ES modules, relative imports resolved within the bundle only.
import type { CodeBundle, CodeModule } from "@skiff/core";
import ivm from "isolated-vm";
import type { CompileCache } from "./compile-cache.js";
import { exactBytes } from "./exact-bytes.js";

/** A module error that names the module (and line, when V8 gives one). */
export class ModuleError extends Error {
  override readonly name = "ModuleError";
  constructor(
    message: string,
    readonly module: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
  }
}

const V8_LOCATION = /\s*\[file:\/\/\/(.+?):(\d+):(\d+)\]\s*$/;
/**
 * Modules up to this size are compiled synchronously on the worker's thread: ≈ 35 µs per KB with the code cache
 * made (≈ 0.6 ms at the bound, measured), while an asynchronous compile costs a hop to isolated-vm's thread and
 * back, which a busy machine makes the slowest part of a small cold start. Larger ones are compiled
 * asynchronously so that the worker's event loop keeps serving other tenants meanwhile.
 */
export const SYNC_COMPILE_MAX_CHARS = 16 * 1024;

/** `file:///lib/util.js` ↔ `lib/util.js`: the URL is what V8 shows in stack traces. */
export function moduleUrl(path: string): string {
  return `file:///${path}`;
}

/** Resolves a relative specifier against the importing module's path; undefined if it leaves the bundle. */
export function resolveSpecifier(specifier: string, referrer: string): string | undefined {
  if (!specifier.startsWith("./") && !specifier.startsWith("../")) return undefined;
  const parts = referrer.split("/").slice(0, -1);
  for (const segment of specifier.split("/")) {
    if (segment === "." || segment === "") continue;
    if (segment === "..") {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(segment);
  }
  return parts.join("/");
}

/** The ES module source that stands for a non-ESM module. `wasmGlobal` names where the wasm bytes wait. */
function esmSourceOf(module: CodeModule, wasmGlobal: string): string {
  switch (module.type) {
    case "esm":
      return module.content;
    case "json":
      return `export default JSON.parse(${JSON.stringify(module.content)});`;
    case "text":
      return `export default ${JSON.stringify(module.content)};`;
    case "wasm":
      return `const bytes = globalThis[${JSON.stringify(wasmGlobal)}]; delete globalThis[${JSON.stringify(wasmGlobal)}];\nexport default new WebAssembly.Module(bytes);`;
    case "commonjs":
      // One line of prefix keeps the module's own line numbers.
      return `const module = { exports: {} }; (function (exports, module, require) {${module.content}\n})(module.exports, module, (id) => { throw new Error("require(" + JSON.stringify(id) + ") is not supported: bundle dependencies (skiff deploy does)"); });\nexport default module.exports;\nexport const handler = module.exports.handler;`;
  }
}

export class ModuleGraph {
  readonly #isolate: ivm.Isolate;
  readonly #bundle: CodeBundle;
  readonly #cache: CompileCache | undefined;
  readonly #compiled = new Map<string, ivm.Module>();
  readonly #paths = new Map<ivm.Module, string>();
  #wasmCounter = 0;
  readonly #pendingWasm: Array<{ global: string; bytes: Uint8Array }> = [];

  constructor(isolate: ivm.Isolate, bundle: CodeBundle, cache?: CompileCache) {
    this.#isolate = isolate;
    this.#bundle = bundle;
    this.#cache = cache;
  }

  /** Compiles the entry module and everything it imports; throws ModuleError on a syntax or resolution error. */
  async compileAll(): Promise<ivm.Module> {
    const main = await this.#compile(this.#bundle.main);
    const queue = [this.#bundle.main];
    const seen = new Set(queue);
    while (queue.length > 0) {
      const path = queue.shift() as string;
      const module = this.#compiled.get(path) as ivm.Module;
      for (const specifier of module.dependencySpecifiers) {
        const target = this.#resolve(specifier, path);
        if (seen.has(target)) continue;
        seen.add(target);
        await this.#compile(target);
        queue.push(target);
      }
    }
    return main;
  }

  /** Links and evaluates the graph in `context`; returns the entry module's namespace. */
  async evaluate(context: ivm.Context): Promise<ivm.Reference<Record<string, unknown>>> {
    const main = await this.compileAll();
    for (const { global, bytes } of this.#pendingWasm.splice(0)) {
      // Its own bytes only: the bundle came over IPC, in a message other tenants' data may share (exact-bytes.ts).
      await context.global.set(global, new ivm.ExternalCopy(exactBytes(bytes)).copyInto({ release: true }));
    }
    // Linking runs no module code (only our resolver), so it is done synchronously: no thread hop.
    main.instantiateSync(context, (specifier, referrer) => {
      const from = this.#paths.get(referrer) ?? this.#bundle.main;
      return this.#compiled.get(this.#resolve(specifier, from)) as ivm.Module;
    });
    await main.evaluate();
    return main.namespace;
  }

  #resolve(specifier: string, from: string): string {
    const target = resolveSpecifier(specifier, from);
    if (target === undefined) {
      throw new ModuleError(
        `cannot import "${specifier}" from ${from}: only relative imports of uploaded modules work; bundle npm packages (skiff deploy does)`,
        from,
      );
    }
    if (!Object.hasOwn(this.#bundle.modules, target)) {
      throw new ModuleError(
        `cannot import "${specifier}" from ${from}: no module ${target} was uploaded`,
        from,
      );
    }
    return target;
  }

  async #compile(path: string): Promise<ivm.Module> {
    const existing = this.#compiled.get(path);
    if (existing !== undefined) return existing;
    const module = this.#bundle.modules[path] as CodeModule;
    const wasmGlobal = `__skiffWasm${this.#wasmCounter++}`;
    if (module.type === "wasm") {
      this.#pendingWasm.push({ global: wasmGlobal, bytes: Buffer.from(module.content, "base64") });
    }
    const source = esmSourceOf(module, wasmGlobal);
    const filename = moduleUrl(path);
    const cached = module.type === "esm" || module.type === "commonjs" ? this.#cache?.get(source) : undefined;
    let compiled: ivm.Module & ivm.CachedDataResult & { cachedDataRejected?: boolean };
    const options = {
      filename,
      ...(cached === undefined ? { produceCachedData: this.#cache !== undefined } : { cachedData: cached }),
    };
    try {
      compiled =
        source.length <= SYNC_COMPILE_MAX_CHARS
          ? this.#isolate.compileModuleSync(source, options)
          : await this.#isolate.compileModule(source, options);
    } catch (error) {
      throw toModuleError(error, path);
    }
    if (cached !== undefined && compiled.cachedDataRejected === true) this.#cache?.drop(source);
    else if (cached === undefined && compiled.cachedData !== undefined)
      this.#cache?.set(source, compiled.cachedData);
    this.#compiled.set(path, compiled);
    this.#paths.set(compiled, path);
    return compiled;
  }
}

function toModuleError(error: unknown, path: string): ModuleError {
  const raw = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const match = V8_LOCATION.exec(raw);
  const message = raw.replace(V8_LOCATION, "");
  if (match === null) return new ModuleError(`${message} (in ${path})`, path);
  const line = Number(match[2]);
  const column = Number(match[3]);
  return new ModuleError(`${message} (${path}, line ${line}, column ${column})`, path, line, column);
}
