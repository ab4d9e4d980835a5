import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveFunctionConfig, singleModuleBundle } from "@skiff/core";
import { encodeCodeBundle } from "@skiff/gateway";
import { openStorage, type Storage } from "@skiff/storage";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { deployExamples, type InProcessApp } from "./examples.js";

let dir: string;
let storage: Storage;
let requests: Array<{ path: string; init: RequestInit }>;
let answer: () => Response;

const app: InProcessApp = {
  request(path, init) {
    requests.push({ path, init });
    return answer();
  },
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "skiff-examples-"));
  await mkdir(join(dir, "examples"));
  await mkdir(join(dir, "data"));
  storage = await openStorage({ dataDir: join(dir, "data") });
  await storage.tenants.create("default");
  requests = [];
  answer = () => Response.json({ function: {}, version: { number: 1 } }, { status: 201 });
});
afterEach(async () => {
  await storage.close();
  await rm(dir, { recursive: true, force: true });
});

describe("deployExamples", () => {
  it("deploys each .js file through the admin API as the operator, named after the file", async () => {
    await writeFile(join(dir, "examples", "hello.js"), "export default 1");
    await writeFile(join(dir, "examples", "README.md"), "not code");
    const results = await deployExamples({
      app,
      adminToken: "sk_admin",
      storage,
      dir: join(dir, "examples"),
    });

    expect(results).toEqual([{ name: "hello", file: "hello.js", status: "deployed", version: 1 }]);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.path).toBe("/api/v1/tenants/default/functions/hello");
    expect(requests[0]?.init.method).toBe("PUT");
    expect(new Headers(requests[0]?.init.headers).get("authorization")).toBe("Bearer sk_admin");
    expect(JSON.parse(String(requests[0]?.init.body))).toEqual({ code: "export default 1", config: {} });
  });

  it("leaves a function alone when its active version has the same code", async () => {
    const code = "export default 1";
    await writeFile(join(dir, "examples", "hello.js"), code);
    // Stored as the deploy API stores it: the canonical bundle of the one module.
    await storage.functions.deploy("default", "hello", {
      code: encodeCodeBundle(singleModuleBundle(code)),
      config: resolveFunctionConfig(),
    });
    const results = await deployExamples({ app, adminToken: "k", storage, dir: join(dir, "examples") });
    expect(results).toEqual([{ name: "hello", file: "hello.js", status: "unchanged", version: 1 }]);
    expect(requests).toEqual([]);
  });

  it("redeploys changed code and reports refused files with the server's reason", async () => {
    await writeFile(join(dir, "examples", "hello.js"), "export default 2");
    await storage.functions.deploy("default", "hello", {
      code: new TextEncoder().encode("export default 1"),
      config: resolveFunctionConfig(),
    });
    await writeFile(join(dir, "examples", "Bad Name.js"), "x");
    answer = () =>
      Response.json({ error: { code: "INVALID_CODE", message: "line 1: nope" } }, { status: 400 });

    const results = await deployExamples({ app, adminToken: "k", storage, dir: join(dir, "examples") });
    expect(results).toEqual([
      {
        name: "Bad Name",
        file: "Bad Name.js",
        status: "skipped",
        version: undefined,
        reason: "not a valid function name",
      },
      { name: "hello", file: "hello.js", status: "skipped", version: undefined, reason: "line 1: nope" },
    ]);
    expect(requests.map((r) => r.path)).toEqual(["/api/v1/tenants/default/functions/hello"]);
  });
});
