// Helpers for runtime tests: versions and events built the way the gateway builds them.
import type { FunctionConfig, HttpEvent } from "@skiff/core";
import { resolveFunctionConfig } from "@skiff/core";
import type { VersionSpec } from "../types.js";

let counter = 0;

/** A version spec with a fresh id, so tests never share warm isolates by accident. */
export function versionOf(functionName: string, config: Partial<FunctionConfig> = {}): VersionSpec {
  counter++;
  return {
    id: `${functionName}-${process.pid}-${counter}`,
    tenant: "test",
    functionName,
    number: 1,
    codeHash: `hash-${counter}`,
    config: { ...resolveFunctionConfig(), ...config },
  };
}

export function httpEvent(init: Partial<HttpEvent> = {}): HttpEvent {
  return { kind: "http", method: "GET", url: "http://fn.test/", headers: [], body: null, ...init };
}

export const text = (bytes: Uint8Array | undefined): string => new TextDecoder().decode(bytes);

/** What a binding host answers a fetch with when the test needs only that it answered: 200, no body. */
export function emptyFetchAnswer() {
  return { status: 200, statusText: "OK", headers: [], body: new Uint8Array(), url: "", redirected: false };
}
