import { singleModuleBundle } from "@skiff/core";
import { afterEach, describe, expect, it } from "vitest";
import { Sandbox } from "./sandbox.js";

const sandboxes: Sandbox[] = [];
afterEach(() => {
  for (const sandbox of sandboxes.splice(0)) if (!sandbox.disposed) sandbox.isolate.dispose();
});

/** What tenant code can see of the isolate's global state, run as a Lambda handler's result. */
const PROBE = `export const handler = async () => ({
  globals: Object.getOwnPropertyNames(globalThis).sort(),
  request: Object.getOwnPropertyNames(Request.prototype).sort(),
  url: new Request("http://a.test/x?y=1").url,
  body: await new Response("ok").text(),
})`;

async function probe(warm: boolean): Promise<unknown> {
  const sandbox = new Sandbox(64);
  sandboxes.push(sandbox);
  await sandbox.prepare();
  if (warm) await sandbox.warm();
  await sandbox.loadModule("v1", singleModuleBundle(PROBE), {});
  const result = await sandbox.dispatch(
    { kind: "invoke", payload: {} },
    {
      invocationId: "i",
      tenant: "t",
      functionName: "f",
      version: 1,
      memoryMb: 64,
      deadline: Date.now() + 5000,
    },
  );
  expect(result.outcome).toBe("ok");
  return result.value;
}

describe("a warmed spare", () => {
  it("looks to tenant code exactly like one that was not warmed", async () => {
    const plain = await probe(false);
    expect(plain).toMatchObject({ url: "http://a.test/x?y=1", body: "ok" });
    expect(await probe(true)).toEqual(plain);
  });

  it("is only warmed before a module is loaded", async () => {
    const sandbox = new Sandbox(64);
    sandboxes.push(sandbox);
    await expect(sandbox.warm()).rejects.toThrow(/prepared/);
    await sandbox.load("v1", singleModuleBundle("export default {}"), {});
    await expect(sandbox.warm()).rejects.toThrow(/prepared/);
  });
});
