// Type declarations for polyfill packages that ship none.
declare module "fastestsmallesttextencoderdecoder/EncoderDecoderTogether.min.js";
declare module "@ungap/structured-clone" {
  export default function structuredClone<T>(value: T, options?: { json?: boolean; lossy?: boolean }): T;
}
declare module "whatwg-url" {
  export const URL: typeof globalThis.URL;
  export const URLSearchParams: typeof globalThis.URLSearchParams;
}
