// A version's code for the direct plane's cold starts: asked of the main process, which alone reads storage, with
// one request in flight per version however many cold requests wait for it.
import type { CodeBundle } from "@skiff/core";
import type { DirectFromWorker } from "../../protocol.js";
import type { VersionSpec } from "../../types.js";

interface Waiting {
  versionId: string;
  resolve: (bundle: CodeBundle) => void;
  reject: (error: Error) => void;
}

export class CodeFetcher {
  readonly #send: (message: DirectFromWorker) => void;
  /** Fetches in flight by version id: concurrent cold requests share one. */
  readonly #byVersion = new Map<string, Promise<CodeBundle>>();
  readonly #waiting = new Map<number, Waiting>();
  #nextId = 1;

  constructor(send: (message: DirectFromWorker) => void) {
    this.#send = send;
  }

  /** The version's bundle from the main process (shared with any fetch of it in flight). */
  fetch(version: VersionSpec): Promise<CodeBundle> {
    const inFlight = this.#byVersion.get(version.id);
    if (inFlight !== undefined) return inFlight;
    const id = this.#nextId++;
    const fetched = new Promise<CodeBundle>((resolve, reject) => {
      this.#waiting.set(id, { versionId: version.id, resolve, reject });
    });
    this.#byVersion.set(version.id, fetched);
    this.#send({ type: "direct-code", id, version });
    return fetched;
  }

  /** The main process's answer to fetch `id`. */
  answer(id: number, bundle: CodeBundle | undefined, error: string | undefined): void {
    const waiting = this.#waiting.get(id);
    if (waiting === undefined) return;
    this.#waiting.delete(id);
    this.#byVersion.delete(waiting.versionId);
    if (bundle !== undefined) waiting.resolve(bundle);
    else waiting.reject(new Error(`could not load the function's code: ${error ?? "no bundle"}`));
  }
}
