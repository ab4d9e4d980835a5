// WebAssembly is V8's own, but its promise-returning entry points compile on a background thread whose
// result isolated-vm never delivers (the promise stays pending: laverdet/isolated-vm#308). They are replaced
// by the synchronous compiler behind a promise, which also keeps the compile on the tenant's CPU time; the
// streaming ones, which V8 leaves to the embedder, read the Response first.
import { Response } from "./fetch/response.js";

type Imports = WebAssembly.Imports | undefined;

const wasm = (globalThis as unknown as { WebAssembly: typeof WebAssembly }).WebAssembly;
const { Module, Instance } = wasm;
const WASM_MIME = /^application\/wasm[\t ]*(?:;|$)/i;

/** A copy of the bytes, as the JS API takes them when called. */
function copyOf(bytes: unknown): Uint8Array<ArrayBuffer> {
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes.slice(0));
  if (ArrayBuffer.isView(bytes))
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength).slice();
  throw new TypeError("WebAssembly: the first argument must be an ArrayBuffer or an ArrayBufferView");
}

async function compile(bytes: unknown): Promise<WebAssembly.Module> {
  return new Module(copyOf(bytes));
}

async function instantiate(source: unknown, imports?: Imports): Promise<unknown> {
  if (source instanceof Module) return new Instance(source, imports);
  const module = new Module(copyOf(source));
  return { module, instance: new Instance(module, imports) };
}

async function bytesOfResponse(source: unknown): Promise<ArrayBuffer> {
  const response = await source;
  if (!(response instanceof Response))
    throw new TypeError("WebAssembly: expected a Response (or a promise of one)");
  if (!WASM_MIME.test(response.headers.get("content-type") ?? "")) {
    throw new TypeError("WebAssembly: the Response's Content-Type must be application/wasm");
  }
  if (!response.ok) throw new TypeError(`WebAssembly: the Response has status ${response.status}`);
  return response.arrayBuffer();
}

async function compileStreaming(source: unknown): Promise<WebAssembly.Module> {
  return compile(await bytesOfResponse(source));
}

async function instantiateStreaming(source: unknown, imports?: Imports): Promise<unknown> {
  return instantiate(await bytesOfResponse(source), imports);
}

for (const [name, value] of Object.entries({
  compile,
  instantiate,
  compileStreaming,
  instantiateStreaming,
})) {
  Object.defineProperty(value, "name", { value: name });
  Object.defineProperty(wasm, name, { value, writable: true, configurable: true, enumerable: false });
}
