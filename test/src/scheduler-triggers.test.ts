// Issue 4, items 1-3: cron triggers on the real server — declared at deploy and through the triggers API,
// validated in Cloudflare's dialect, following the active version (PUT, rollback, delete), fired now with
// `POST …/triggers/run` into Workers `scheduled()` and Lambda (EventBridge shape), retried unless noRetry(),
// recorded as runs — and one real tick of a `* * * * *` trigger on a running server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Collector, type Report, startCollector } from "./collector.js";
import { AdminClient, type Answer, storedState, waitFor } from "./skiff-api.js";
import { type SkiffServer, startSkiff } from "./skiff-server.js";

const FN = "/tenants/default/functions";

let collector: Collector;
let server: SkiffServer;
let admin: AdminClient;

beforeAll(async () => {
  collector = await startCollector();
  server = await startSkiff({ env: { SKIFF_EGRESS_ALLOW: collector.hostPort } });
  admin = new AdminClient(server, server.defaultKey);
});

afterAll(async () => {
  expect(await server.stop()).toBe(0);
  await collector.close();
});

/** A Workers module whose `scheduled()` reports what it got; `env.MODE` "fail" throws, "noRetry" also calls noRetry(). */
const WORKERS_SCHEDULED = `export default {
  async scheduled(controller, env) {
    await fetch(env.COLLECTOR, {
      method: "POST",
      body: JSON.stringify({
        id: env.NAME + "@" + controller.cron + "@" + controller.scheduledTime,
        name: env.NAME,
        cron: controller.cron,
        scheduledTime: controller.scheduledTime,
        type: controller.type,
        noRetryIsFunction: typeof controller.noRetry === "function",
      }),
    });
    if (env.MODE === "noRetry") controller.noRetry();
    if (env.MODE !== "ok") throw new Error("scheduled failed on purpose");
  },
};`;

const LAMBDA_SCHEDULED = (url: string) => `
export const handler = async (event, context) => {
  await fetch(${JSON.stringify(url)}, {
    method: "POST",
    body: JSON.stringify({ id: "lambda@" + event.time, event, awsRequestId: context.awsRequestId }),
  });
  return { done: true };
};`;

interface TriggerInfo {
  cron: string;
  timezone: string;
  overlap: string;
  missed: string;
  normalized: string;
  nextRuns: string[];
}

interface Run {
  id: number;
  triggerKey: string;
  cron: string;
  timezone: string;
  scheduledTime: number;
  attempt: number;
  version: number;
  manual: boolean;
  startedAt: number | null;
  endedAt: number | null;
  outcome: string | null;
  invocationId: string | null;
}

function workers(name: string, mode: "ok" | "fail" | "noRetry") {
  return { vars: { COLLECTOR: collector.url, NAME: name, MODE: mode } };
}

async function triggersOf(name: string): Promise<{ version: number; triggers: TriggerInfo[] }> {
  const answer = await admin.call("GET", `${FN}/${name}/triggers`);
  expect(answer.status).toBe(200);
  return answer.json;
}

async function runsOf(name: string): Promise<Run[]> {
  const answer = await admin.call("GET", `${FN}/${name}/triggers/runs?limit=100`);
  expect(answer.status).toBe(200);
  return answer.json.runs;
}

function runNow(name: string, cron?: string): Promise<Answer> {
  return admin.call("POST", `${FN}/${name}/triggers/run`, cron === undefined ? undefined : { cron });
}

function expectError(answer: Answer, status: number, code: string): void {
  expect({ status: answer.status, code: answer.json?.error?.code }).toEqual({ status, code });
}

/** The reports whose body matches, once there are at least `count`. */
function reportsWhere(
  what: string,
  match: (body: Report["body"]) => boolean,
  count = 1,
  deadlineMs = 15_000,
) {
  return waitFor(
    what,
    async () => {
      const found = collector.reports.filter((r) => match(r.body));
      return found.length >= count ? found : undefined;
    },
    deadlineMs,
  );
}

/** Wall-clock fields of an instant in a time zone. */
function localParts(iso: string, timeZone: string): Record<string, string> {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(iso));
  return Object.fromEntries(parts.map((p) => [p.type, p.value]));
}

function expectIncreasingFutureRuns(nextRuns: string[], startedAt: number): void {
  expect(nextRuns.length).toBeGreaterThan(0);
  const times = nextRuns.map((iso) => Date.parse(iso));
  for (const [i, time] of times.entries()) {
    expect(new Date(time).toISOString()).toBe(nextRuns[i]);
    expect(time).toBeGreaterThan(startedAt - 1000);
    if (i > 0) expect(time).toBeGreaterThan(times[i - 1] as number);
  }
}

describe("declaring triggers", () => {
  it("lists deployed triggers with defaults, the node-cron form and upcoming run times", async () => {
    const startedAt = Date.now();
    const version = await admin.mustDeploy("listed", WORKERS_SCHEDULED, {
      ...workers("listed", "ok"),
      triggers: {
        crons: [
          "*/5 * * * *",
          // Cloudflare's day-of-week numbering: 2-6 is Monday to Friday.
          { cron: "0 9 * * 2-6", timezone: "Europe/Berlin", overlap: "allow", missed: "catch-up-once" },
        ],
      },
    });
    const listed = await triggersOf("listed");
    expect(listed.version).toBe(version);
    const [every5, berlin] = listed.triggers as [TriggerInfo, TriggerInfo];
    expect(listed.triggers).toHaveLength(2);
    expect(every5).toMatchObject({
      cron: "*/5 * * * *",
      timezone: "UTC",
      overlap: "skip",
      missed: "skip",
      normalized: "*/5 * * * *",
    });
    expect(berlin).toMatchObject({
      cron: "0 9 * * 2-6",
      timezone: "Europe/Berlin",
      overlap: "allow",
      missed: "catch-up-once",
      normalized: "0 9 * * 1-5",
    });

    expectIncreasingFutureRuns(every5.nextRuns, startedAt);
    expect(Date.parse(every5.nextRuns[0] as string)).toBeLessThanOrEqual(Date.now() + 5 * 60_000);
    for (const iso of every5.nextRuns) {
      const date = new Date(iso);
      expect([date.getUTCMinutes() % 5, date.getUTCSeconds(), date.getUTCMilliseconds()]).toEqual([0, 0, 0]);
    }
    expectIncreasingFutureRuns(berlin.nextRuns, startedAt);
    for (const iso of berlin.nextRuns) {
      const local = localParts(iso, "Europe/Berlin");
      expect([local.hour, local.minute, local.second]).toEqual(["09", "00", "00"]);
      expect(["Mon", "Tue", "Wed", "Thu", "Fri"]).toContain(local.weekday);
    }
  });

  it.each([
    ["a minute out of range", "61 * * * *", /minute/],
    ["six fields", "* * * * * *", /5 fields|five fields|fields/i],
    ["a nickname", "@daily", /@daily|nickname/i],
    ["day-of-week 0 (Sunday is 1 in this dialect)", "0 0 * * 0", /day-of-week/],
  ])("refuses %s at deploy with INVALID_CONFIG and stores nothing", async (_, cron, message) => {
    await admin.mustDeploy("kept", WORKERS_SCHEDULED, {
      ...workers("kept", "ok"),
      triggers: { crons: ["0 0 * * *"] },
    });
    const before = await storedState(admin);
    for (const name of ["kept", "never-stored"]) {
      const answer = await admin.deploy(name, WORKERS_SCHEDULED, { triggers: { crons: [cron] } });
      expectError(answer, 400, "INVALID_CONFIG");
      expect(answer.json.error.message).toMatch(message);
    }
    const put = await admin.call("PUT", `${FN}/kept/triggers`, { crons: [cron] });
    expectError(put, 400, "INVALID_CONFIG");
    expect(await storedState(admin)).toEqual(before);
    expect((await triggersOf("kept")).triggers.map((t) => t.cron)).toEqual(["0 0 * * *"]);
  });

  it("refuses a time zone that is not an IANA name and stores nothing", async () => {
    const before = await storedState(admin);
    const answer = await admin.deploy("never-stored", WORKERS_SCHEDULED, {
      triggers: { crons: [{ cron: "0 9 * * *", timezone: "Mars/Olympus_Mons" }] },
    });
    expectError(answer, 400, "INVALID_CONFIG");
    expect(answer.json.error.message).toMatch(/Mars\/Olympus_Mons/);
    expect(await storedState(admin)).toEqual(before);
  });
});

describe("triggers follow the active version", () => {
  it("PUT triggers makes a new version of the same code, rollback restores the old triggers, delete ends them", async () => {
    const v1 = await admin.mustDeploy("follows", WORKERS_SCHEDULED, {
      ...workers("follows", "ok"),
      triggers: { crons: ["*/5 * * * *"] },
    });

    const put = await admin.call("PUT", `${FN}/follows/triggers`, {
      crons: [{ cron: "30 12 * * *", timezone: "UTC" }],
    });
    expect(put.status).toBe(201);
    expect(put.json.version.number).toBe(v1 + 1);
    const versions = (await admin.versions("follows")).json.versions as Array<{
      number: number;
      codeHash: string;
    }>;
    const hashes = new Map(versions.map((v) => [v.number, v.codeHash]));
    expect(hashes.get(v1 + 1)).toBe(hashes.get(v1));
    // The rest of the configuration is carried over to the new version.
    const current = await admin.call("GET", `${FN}/follows`);
    expect(current.json.function.activeVersion).toBe(v1 + 1);
    expect(current.json.version.config.vars).toEqual(workers("follows", "ok").vars);

    const after = await triggersOf("follows");
    expect(after.version).toBe(v1 + 1);
    expect(after.triggers.map((t) => t.cron)).toEqual(["30 12 * * *"]);
    for (const iso of after.triggers[0]?.nextRuns ?? []) {
      expect(iso).toMatch(/T12:30:00\.000Z$/);
    }
    expect(after.triggers[0]?.nextRuns.length).toBeGreaterThan(0);
    // Firing now runs the new trigger, not the old one.
    const fired = await runNow("follows");
    expect(fired.status).toBe(200);
    expect(fired.json.runs.map((r: { cron: string }) => r.cron)).toEqual(["30 12 * * *"]);
    expectError(await runNow("follows", "*/5 * * * *"), 404, "NOT_FOUND");

    const rolledBack = await admin.call("POST", `${FN}/follows/rollback`, { version: v1 });
    expect(rolledBack.status).toBe(200);
    const restored = await triggersOf("follows");
    expect(restored.version).toBe(v1);
    expect(restored.triggers.map((t) => t.cron)).toEqual(["*/5 * * * *"]);
    expect(restored.triggers[0]?.nextRuns.length).toBeGreaterThan(0);
    expect((await runNow("follows")).json.runs.map((r: { cron: string }) => r.cron)).toEqual(["*/5 * * * *"]);

    expect((await admin.call("DELETE", `${FN}/follows`)).status).toBe(200);
    expectError(await admin.call("GET", `${FN}/follows/triggers`), 404, "FUNCTION_NOT_FOUND");
    expectError(await runNow("follows"), 404, "FUNCTION_NOT_FOUND");
    // A new function of the same name starts without the deleted one's schedule.
    await admin.mustDeploy("follows", WORKERS_SCHEDULED, workers("follows", "ok"));
    expect((await triggersOf("follows")).triggers).toEqual([]);
    expectError(await runNow("follows"), 404, "NOT_FOUND");
    expect(await runsOf("follows")).toEqual([]);
  });

  it("refuses PUT triggers for a function that does not exist", async () => {
    expectError(
      await admin.call("PUT", `${FN}/nobody/triggers`, { crons: ["* * * * *"] }),
      404,
      "FUNCTION_NOT_FOUND",
    );
  });
});

describe("firing a trigger now", () => {
  it("runs Workers scheduled() with the trigger's cron and scheduled time, and records the run", async () => {
    const version = await admin.mustDeploy("manual", WORKERS_SCHEDULED, {
      ...workers("manual", "ok"),
      triggers: { crons: ["0 0 1 1 *", { cron: "15 3 * * SUN", timezone: "America/New_York" }] },
    });
    const before = Date.now();
    const fired = await runNow("manual", "15 3 * * SUN");
    const after = Date.now();
    expect(fired.status).toBe(200);
    expect(fired.json.runs).toHaveLength(1);
    const run = fired.json.runs[0];
    expect(run).toMatchObject({ cron: "15 3 * * SUN", outcome: "ok", invocationId: expect.any(String) });
    expect(run.scheduledTime).toBeGreaterThanOrEqual(before);
    expect(run.scheduledTime).toBeLessThanOrEqual(after);

    // The run answered after the handler finished, so its report is already here.
    const [report] = collector.reports.filter(
      (r) => r.body.name === "manual" && r.body.scheduledTime === run.scheduledTime,
    );
    expect(report?.body).toEqual({
      id: `manual@15 3 * * SUN@${run.scheduledTime}`,
      name: "manual",
      cron: "15 3 * * SUN",
      scheduledTime: run.scheduledTime,
      type: "scheduled",
      noRetryIsFunction: true,
    });

    const row = (await runsOf("manual")).find((r) => r.invocationId === run.invocationId);
    expect(row).toMatchObject({
      triggerKey: "15 3 * * SUN|America/New_York",
      cron: "15 3 * * SUN",
      timezone: "America/New_York",
      scheduledTime: run.scheduledTime,
      attempt: 1,
      version,
      manual: true,
      outcome: "ok",
    });
    expect(row?.startedAt).toBeGreaterThanOrEqual(run.scheduledTime);
    expect(row?.endedAt).toBeGreaterThanOrEqual(row?.startedAt as number);

    const record = await waitFor("the cron invocation record", async () => {
      const list = (await admin.invocations("manual")).json.invocations as Array<{ id: string }>;
      return list.find((r) => r.id === run.invocationId);
    });
    expect(record).toMatchObject({ trigger: "cron", outcome: "ok", version });
  });

  it("fires every trigger when no cron is named, newest run first in the history", async () => {
    const fired = await runNow("manual");
    expect(fired.status).toBe(200);
    expect(fired.json.runs.map((r: { cron: string }) => r.cron).sort()).toEqual([
      "0 0 1 1 *",
      "15 3 * * SUN",
    ]);
    const runs = await runsOf("manual");
    const ids = fired.json.runs.map((r: { invocationId: string }) => r.invocationId);
    expect(
      runs
        .slice(0, 2)
        .map((r) => r.invocationId)
        .sort(),
    ).toEqual([...ids].sort());
    expect(runs[0]?.id).toBeGreaterThan(runs[1]?.id as number);
    expect((await admin.call("GET", `${FN}/manual/triggers/runs?limit=1`)).json.runs).toHaveLength(1);
  });

  it("refuses a cron the function does not have and a function without triggers", async () => {
    expectError(await runNow("manual", "* * * * *"), 404, "NOT_FOUND");
    await admin.mustDeploy("no-triggers", WORKERS_SCHEDULED, workers("no-triggers", "ok"));
    expectError(await runNow("no-triggers"), 404, "NOT_FOUND");
    expectError(await runNow("missing"), 404, "FUNCTION_NOT_FOUND");
  });

  it("refuses a run request whose body is not JSON, and fires nothing", async () => {
    const before = (await runsOf("manual")).length;
    const answer = await admin.call("POST", `${FN}/manual/triggers/run`, '{"cron": "15 3 * * SUN"', {
      "content-type": "application/json",
    });
    expectError(answer, 400, "INVALID_JSON");
    expectError(
      await admin.call("POST", `${FN}/manual/triggers/run`, { crons: "x" }),
      400,
      "INVALID_REQUEST",
    );
    expect(await runsOf("manual")).toHaveLength(before);
  });

  it("gives a Lambda handler the EventBridge Scheduled Event", async () => {
    await admin.mustDeploy("lambda-cron", LAMBDA_SCHEDULED(collector.url), {
      triggers: { crons: [{ cron: "0 9 * * MON-FRI", timezone: "Europe/Berlin" }] },
    });
    const fired = await runNow("lambda-cron");
    expect(fired.status).toBe(200);
    const run = fired.json.runs[0];
    expect(run).toMatchObject({ cron: "0 9 * * MON-FRI", outcome: "ok" });
    const time = new Date(run.scheduledTime).toISOString().replace(/\.\d{3}Z$/, "Z");
    const [report] = await reportsWhere("the Lambda handler's report", (b) => b.id === `lambda@${time}`);
    const event = report?.body.event;
    expect(event).toMatchObject({
      version: "0",
      "detail-type": "Scheduled Event",
      source: "aws.events",
      time,
      detail: {},
      id: expect.any(String),
      account: expect.any(String),
      region: expect.any(String),
    });
    expect(event.resources).toHaveLength(1);
    expect(event.resources[0]).toEqual(expect.any(String));
    expect(report?.body.awsRequestId).toEqual(expect.any(String));
  });
});

describe("failed runs", () => {
  it("are retried through the queue with the same cron and scheduled time, then dead-lettered", async () => {
    await admin.mustDeploy("cron-fails", WORKERS_SCHEDULED, {
      ...workers("cron-fails", "fail"),
      triggers: { crons: ["0 0 1 1 *"] },
      async: { maxAttempts: 2, minBackoffMs: 0 },
    });
    const fired = await runNow("cron-fails");
    expect(fired.json.runs[0]).toMatchObject({ outcome: "exception" });
    const { scheduledTime } = fired.json.runs[0];
    const reports = await reportsWhere(
      "the retried run",
      (b) => b.name === "cron-fails" && b.scheduledTime === scheduledTime,
      2,
    );
    expect(reports.map((r) => r.body.cron)).toEqual(["0 0 1 1 *", "0 0 1 1 *"]);

    const runs = await waitFor("both attempts finished in the history", async () => {
      const list = (await runsOf("cron-fails")).filter((r) => r.scheduledTime === scheduledTime);
      return list.length === 2 && list.every((r) => r.outcome !== null) ? list : undefined;
    });
    expect(runs.map((r) => [r.attempt, r.outcome])).toEqual([
      [2, "exception"],
      [1, "exception"],
    ]);
    const letter = await waitFor("the run's dead letter", async () => {
      const list = (await admin.call("GET", `${FN}/cron-fails/dead-letters`)).json.deadLetters;
      return (list as Array<{ kind: string; reason: string; attempts: number; lastError: string }>).find(
        (d) => d.kind === "scheduled",
      );
    });
    expect(letter).toMatchObject({ reason: "maxAttempts", attempts: 2 });
    expect(letter.lastError).toMatch(/scheduled failed on purpose/);
  });

  it("keep a manual run's retries marked manual in the history", async () => {
    // Continues the previous test: cron-fails was fired by hand, failed, and was retried once.
    const runs = await runsOf("cron-fails");
    expect(runs.map((r) => [r.attempt, r.manual])).toEqual([
      [2, true],
      [1, true],
    ]);
  });

  it("are not retried after controller.noRetry()", async () => {
    await admin.mustDeploy("cron-no-retry", WORKERS_SCHEDULED, {
      ...workers("cron-no-retry", "noRetry"),
      triggers: { crons: ["0 0 1 1 *"] },
      async: { maxAttempts: 2, minBackoffMs: 0 },
    });
    await admin.mustDeploy("cron-control", WORKERS_SCHEDULED, {
      ...workers("cron-control", "fail"),
      triggers: { crons: ["0 0 1 1 *"] },
      async: { maxAttempts: 2, minBackoffMs: 0 },
    });
    const noRetry = await runNow("cron-no-retry");
    expect(noRetry.json.runs[0]).toMatchObject({ outcome: "exception" });
    // A control run fired after it, with the same backoff, is retried: by then a retry of the first would be too.
    const control = await runNow("cron-control");
    expect(control.json.runs[0]).toMatchObject({ outcome: "exception" });
    await reportsWhere("the control run's retry", (b) => b.name === "cron-control", 2);
    await waitFor("the control retry's run row to finish", async () => {
      const rows = await runsOf("cron-control");
      return rows.some((r) => r.attempt === 2 && r.outcome !== null) ? true : undefined;
    });

    expect(collector.reports.filter((r) => r.body.name === "cron-no-retry")).toHaveLength(1);
    expect((await runsOf("cron-no-retry")).map((r) => [r.attempt, r.outcome])).toEqual([[1, "exception"]]);
    expect((await admin.call("GET", `${FN}/cron-no-retry/dead-letters`)).json.deadLetters).toEqual([]);
  });
});

describe("on a running server", () => {
  // The one slow test in this file: it waits in real time for the next whole minute (up to ~60 s).
  it("delivers a real tick of a * * * * * trigger to the handler", { timeout: 90_000 }, async () => {
    const deployedAt = Date.now();
    await admin.mustDeploy("ticker", WORKERS_SCHEDULED, {
      ...workers("ticker", "ok"),
      triggers: { crons: ["* * * * *"] },
    });
    const [report] = await reportsWhere("a tick of * * * * *", (b) => b.name === "ticker", 1, 70_000);
    const { scheduledTime } = report?.body ?? {};
    expect(report?.body).toMatchObject({ cron: "* * * * *", type: "scheduled" });
    expect(scheduledTime % 60_000).toBe(0);
    expect(scheduledTime).toBeGreaterThan(deployedAt - 60_000);
    expect(report?.at).toBeGreaterThanOrEqual(scheduledTime);

    const row = await waitFor("the tick's run row", async () =>
      (await runsOf("ticker")).find((r) => r.scheduledTime === scheduledTime && r.outcome !== null),
    );
    expect(row).toMatchObject({ manual: false, attempt: 1, outcome: "ok", cron: "* * * * *" });
    expect((await admin.call("DELETE", `${FN}/ticker`)).status).toBe(200);
  });
});
