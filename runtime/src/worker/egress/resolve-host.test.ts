import { describe, expect, it } from "vitest";
import { type LookupAll, resolveHost } from "./resolve-host.js";

const answering =
  (addresses: string[]): LookupAll =>
  (_hostname, _options, callback) =>
    callback(
      null,
      addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 })),
    );

describe("resolveHost", () => {
  it("answers an IP literal itself, without a lookup", async () => {
    const never: LookupAll = () => {
      throw new Error("no lookup expected");
    };
    expect(await resolveHost("10.0.0.1", never, new AbortController().signal)).toEqual(["10.0.0.1"]);
    expect(await resolveHost("::1", never, new AbortController().signal)).toEqual(["::1"]);
  });

  it("asks for every address and returns them in order, once each", async () => {
    const asked: unknown[] = [];
    const lookup: LookupAll = (hostname, options, callback) => {
      asked.push([hostname, options]);
      answering(["93.184.216.34", "2606:2800::1", "93.184.216.34"])(hostname, options, callback);
    };
    expect(await resolveHost("example.test", lookup, new AbortController().signal)).toEqual([
      "93.184.216.34",
      "2606:2800::1",
    ]);
    expect(asked).toEqual([["example.test", { all: true, verbatim: true }]]);
  });

  it("fails when the name does not resolve or resolves to nothing usable", async () => {
    const missing: LookupAll = (_h, _o, callback) =>
      callback(Object.assign(new Error("nope"), { code: "ENOTFOUND" }), []);
    await expect(resolveHost("gone.test", missing, new AbortController().signal)).rejects.toThrow(
      'could not resolve "gone.test" (ENOTFOUND)',
    );
    await expect(
      resolveHost("junk.test", answering(["not-an-ip"]), new AbortController().signal),
    ).rejects.toThrow('could not resolve "junk.test" (no addresses)');
  });

  it("gives up with the signal's reason when aborted before the answer", async () => {
    const silent: LookupAll = () => {};
    const controller = new AbortController();
    const pending = resolveHost("slow.test", silent, controller.signal);
    const reason = new Error("stop");
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });
});
