// Hostile functions hit their limits with the right platform error; the same function's next version and
// unrelated functions keep answering.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { example, fixture } from "./fixtures.js";
import { AdminClient, type FunctionConfig, invoke, waitFor } from "./skiff-api.js";
import { type SkiffServer, startSkiff } from "./skiff-server.js";

let server: SkiffServer;
let admin: AdminClient;

beforeAll(async () => {
  server = await startSkiff();
  admin = new AdminClient(server, server.defaultKey);
  await admin.mustDeploy("bystander", example("hello.js"));
});

afterAll(async () => {
  expect(await server.stop()).toBe(0);
});

interface Failure {
  name: string;
  file: string;
  config: FunctionConfig;
  status: number;
  code: string;
  outcome: string;
}

const failures: Failure[] = [
  {
    name: "spinner",
    file: "cpu-loop.js",
    config: { cpuMs: 200, timeoutMs: 10_000 },
    status: 503,
    code: "CPU_LIMIT_EXCEEDED",
    outcome: "exceededCpu",
  },
  {
    name: "hog",
    file: "memory-bomb.js",
    config: { memoryMb: 32, timeoutMs: 20_000 },
    status: 503,
    code: "MEMORY_LIMIT_EXCEEDED",
    outcome: "exceededMemory",
  },
  {
    name: "thrower",
    file: "throws.js",
    config: {},
    status: 500,
    code: "FUNCTION_ERROR",
    outcome: "exception",
  },
  {
    name: "sleeper",
    file: "never-settles.js",
    config: { timeoutMs: 300 },
    status: 504,
    code: "TIMEOUT",
    outcome: "timeout",
  },
];

interface InvocationRecord {
  id: string;
  outcome: string;
  status: number;
  cpuMs: number;
  version: number;
}

async function recordOf(name: string, id: string): Promise<InvocationRecord> {
  return waitFor(`the invocation record ${id}`, async () => {
    const list = (await admin.invocations(name)).json.invocations as InvocationRecord[];
    return list.find((r) => r.id === id);
  });
}

describe.each(failures)("$file", ({ name, file, config, status, code, outcome }) => {
  it(`answers ${status} ${code} and records outcome ${outcome}`, async () => {
    expect(await admin.mustDeploy(name, fixture(file), config)).toBe(1);
    const answer = await invoke(server, name);
    expect(answer.status).toBe(status);
    expect(answer.headers["content-type"]).toMatch(/^application\/json/);
    expect(answer.json.error.code).toBe(code);
    expect(typeof answer.json.error.message).toBe("string");

    const id = answer.json.error.invocationId as string;
    expect(id).toEqual(expect.any(String));
    const record = await recordOf(name, id);
    expect(record).toMatchObject({ outcome, status, version: 1 });
  });

  it("lets the function's next good version and an unrelated function answer 200", async () => {
    expect(await admin.mustDeploy(name, fixture("ok.js"))).toBe(2);
    const recovered = await invoke(server, name);
    expect(recovered.status).toBe(200);
    expect(recovered.text).toBe("recovered\n");

    const bystander = await invoke(server, "bystander");
    expect(bystander.status).toBe(200);
    expect(bystander.text).toBe("Hello from Skiff!\n");
  });
});

describe("enforcement details", () => {
  it("stops a CPU loop near its limit: the recorded CPU time is at least the limit and under 10x", async () => {
    await admin.mustDeploy("spinner-2", fixture("cpu-loop.js"), { cpuMs: 200, timeoutMs: 10_000 });
    const answer = await invoke(server, "spinner-2");
    expect(answer.json.error.code).toBe("CPU_LIMIT_EXCEEDED");
    const record = await recordOf("spinner-2", answer.json.error.invocationId);
    expect(record.cpuMs).toBeGreaterThanOrEqual(200);
    expect(record.cpuMs).toBeLessThan(2_000);
  });

  it("shows the client no stack trace and none of the thrown error's text when a function throws", async () => {
    await admin.mustDeploy("thrower-2", fixture("throws.js"));
    const answer = await invoke(server, "thrower-2");
    expect(answer.status).toBe(500);
    expect(Object.keys(answer.json.error).sort()).toEqual(["code", "invocationId", "message"]);
    expect(answer.text).not.toContain("explode");
    expect(answer.text).not.toContain("kaboom");
    expect(answer.text).not.toMatch(/\bat\s.*:\d+:\d+/);
  });

  it("keeps serving the same hostile function call after call", async () => {
    await admin.mustDeploy("sleeper-2", fixture("never-settles.js"), { timeoutMs: 300 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await invoke(server, "sleeper-2")).status);
    expect(statuses).toEqual([504, 504, 504]);
    expect((await invoke(server, "bystander")).status).toBe(200);
  });
});
