// Web platform conformance: small cases that run INSIDE a real isolate (cases/*.js) against the prelude's
// APIs, checked against an explicit list of expected failures (expected-failures.json, as workerd's src/wpt
// does). A case on the list that starts passing fails the run too, so the list stays true.
import { readdir, readFile } from "node:fs/promises";
import { type HostCallHandlers, Sandbox } from "@skiff/runtime/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CASES_DIR = new URL("./cases/", import.meta.url);
const expectedFailures: Record<string, string> = JSON.parse(
  await readFile(new URL("./expected-failures.json", import.meta.url), "utf8"),
);

interface CaseResult {
  pass: boolean;
  error?: string;
}

/** The fetch host the cases talk to: it answers with what it was sent (see cases/fetch.js). */
const fakeHost: HostCallHandlers = {
  fetch: async (args, signal) => {
    const request = args as {
      url: string;
      method: string;
      headers: string[][];
      body: Uint8Array | null;
      redirect: string;
    };
    const host = new URL(request.url).hostname;
    if (host === "refused.test") throw new Error("refused by the egress policy");
    if (host === "hang.test") {
      return new Promise((_, reject) =>
        signal.addEventListener("abort", () => reject(new Error("invocation ended"))),
      );
    }
    const url = host === "redirect.test" ? "https://echo.test/final" : request.url;
    const echo = { ...request, body: request.body === null ? null : new TextDecoder().decode(request.body) };
    return {
      status: 200,
      statusText: "OK",
      headers: [["content-type", "application/json"]],
      body: new TextEncoder().encode(JSON.stringify(echo)),
      url,
      redirected: url !== request.url,
    };
  },
};

/** Loads the cases as one code bundle into a fresh isolate: the one place that knows how code is loaded. */
async function loadSuite(): Promise<{ run: (payload: unknown) => Promise<unknown>; dispose: () => void }> {
  const modules: Record<string, { type: "esm"; content: string }> = {};
  for (const file of await readdir(CASES_DIR)) {
    if (file.endsWith(".js"))
      modules[file] = { type: "esm", content: await readFile(new URL(file, CASES_DIR), "utf8") };
  }
  const sandbox = new Sandbox(128);
  await sandbox.load("conformance", { main: "index.js", modules }, {});
  let counter = 0;
  return {
    async run(payload) {
      const meta = {
        invocationId: `conformance-${++counter}`,
        tenant: "test",
        functionName: "conformance",
        version: 1,
        memoryMb: 128,
        deadline: Date.now() + 10_000,
      };
      const result = await sandbox.dispatch({ kind: "invoke", payload }, meta, fakeHost);
      if (result.outcome !== "ok") throw new Error(`${result.outcome}: ${result.error?.message}`);
      return result.value;
    },
    dispose: () => sandbox.dispose(),
  };
}

const suite = await loadSuite();
const names = (await suite.run({ list: true })) as string[];
afterAll(() => suite.dispose());

describe("Web platform conformance (inside the isolate)", () => {
  beforeAll(() => {
    const unknown = Object.keys(expectedFailures).filter((name) => !names.includes(name));
    expect(unknown, "expected-failures.json names cases that do not exist").toEqual([]);
  });

  for (const name of names) {
    const why = expectedFailures[name];
    it(why === undefined ? name : `${name} (expected to fail: ${why})`, async () => {
      const result = (await suite.run({ name })) as CaseResult;
      if (why === undefined) {
        expect(result.error ?? "passed").toBe("passed");
      } else {
        expect(result.pass, "this case now passes: remove it from expected-failures.json").toBe(false);
      }
    });
  }
});
