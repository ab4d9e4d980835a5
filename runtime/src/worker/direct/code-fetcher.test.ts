// Code for the direct plane's cold starts: one request per version in flight, shared by every waiter.
import { singleModuleBundle } from "@skiff/core";
import { describe, expect, it } from "vitest";
import type { DirectFromWorker } from "../../protocol.js";
import { versionOf } from "../../testing/fixtures.js";
import { CodeFetcher } from "./code-fetcher.js";

describe("CodeFetcher", () => {
  it("asks once for concurrent fetches of a version, and again once that one was answered", async () => {
    const sent: DirectFromWorker[] = [];
    const fetcher = new CodeFetcher((message) => sent.push(message));
    const version = versionOf("cold");
    const waits = [fetcher.fetch(version), fetcher.fetch(version), fetcher.fetch(version)];
    expect(sent).toEqual([{ type: "direct-code", id: 1, version }]);
    const bundle = singleModuleBundle("export default {}");
    fetcher.answer(1, bundle, undefined);
    expect(await Promise.all(waits)).toEqual([bundle, bundle, bundle]);
    void fetcher.fetch(version);
    expect(sent).toHaveLength(2);
  });

  it("fails every waiter with the main process's reason", async () => {
    const fetcher = new CodeFetcher(() => {});
    const version = versionOf("missing");
    const waits = [fetcher.fetch(version), fetcher.fetch(version)];
    fetcher.answer(1, undefined, "Error: no such version");
    for (const wait of waits)
      await expect(wait).rejects.toThrow("could not load the function's code: Error: no such version");
  });
});
