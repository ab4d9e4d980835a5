// Issue 8: the dashboard in a real browser (Debian's chromium driven by playwright-core) against a real
// `skiff serve`: log in with an API key, see the function list, open a function, see its chart drawn and an
// invocation's log line; the operator sees the runtime's workers. Any console error or page error fails the test.
// Screenshots go to test/artifacts/ (git-ignored) for CI to keep.
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AdminClient, invoke, waitFor } from "./skiff-api.js";
import { REPO_ROOT, type SkiffServer, startSkiff } from "./skiff-server.js";

const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = join(REPO_ROOT, "test", "artifacts");
/** A laptop screen. */
const VIEWPORT = { width: 1366, height: 768 };

const HELLO = `
export default {
  async fetch(request) {
    const url = new URL(request.url);
    console.log("dashboard says hello to " + (url.searchParams.get("who") ?? "nobody"));
    if (url.searchParams.has("fail")) throw new Error("asked to fail");
    return new Response("hi");
  },
  async scheduled(controller) {
    console.log("cron tick " + controller.cron);
  },
};
`;

let server: SkiffServer;
let browser: Browser;
let page: Page;
let problems: string[];

beforeAll(async () => {
  // CI installs it (.ci/run); without it this test can not mean anything, so it fails rather than skips.
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
  await mkdir(ARTIFACTS, { recursive: true });
  server = await startSkiff();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox"] });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const opened = await context.newPage();
  problems = [];
  opened.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });
  opened.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  return opened;
}

afterEach(async () => {
  await page?.context().close();
});

async function logIn(key: string): Promise<void> {
  await page.goto(`${server.url}/dashboard`);
  // Without a session the dashboard sends the visitor to its login form.
  expect(new URL(page.url()).pathname).toBe("/dashboard/login");
  await page.fill("#key", key);
  await Promise.all([
    page.waitForURL((url) => url.pathname !== "/dashboard/login"),
    page.click("button[type=submit]"),
  ]);
  // The key travels in the form body only, never in a URL.
  expect(page.url()).not.toContain(key);
}

describe("dashboard in a browser", () => {
  it("logs in, lists the functions, and shows a function's chart and log lines", async () => {
    const admin = new AdminClient(server, server.defaultKey);
    await admin.mustDeploy("hello", HELLO, { triggers: { crons: ["0 0 1 1 *"] } });
    await admin.mustDeploy("quiet", "export default { fetch: () => new Response('shh') }");
    const run = await admin.call("POST", "/tenants/default/functions/hello/triggers/run");
    expect(run.status).toBe(200);
    expect(run.json.runs).toMatchObject([{ outcome: "ok" }]);
    for (const who of ["ada", "grace", "linus"]) {
      expect((await invoke(server, "hello", `/?who=${who}`)).status).toBe(200);
    }
    expect((await invoke(server, "hello", "/?who=mallory&fail=1")).status).toBe(500);

    // Usage is written with the batches of invocation records, a moment after the invocations end.
    await waitFor("the usage of the five invocations", async () => {
      const usage = await admin.call("GET", "/tenants/default/usage?from=24h");
      return usage.json?.totals?.requests === 5 ? true : undefined;
    });

    page = await newPage();
    await logIn(server.defaultKey);
    expect(new URL(page.url()).pathname).toBe("/dashboard/tenants/default");
    const functions = page.locator('table[data-table="functions"] tbody tr');
    expect(await functions.count()).toBe(2);
    expect(await page.locator('table[data-table="functions"] a').allTextContents()).toEqual(
      expect.arrayContaining(["hello", "quiet"]),
    );
    // The usage API counted the day so far: four requests to hello plus its cron run, one error.
    const usage = await page.locator("#usage").textContent();
    expect(usage).toContain("5requests, last 24 h");
    expect(usage).toContain("1errors, last 24 h");
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-functions.png"), fullPage: true });

    await Promise.all([page.waitForURL(/\/functions\/hello/), page.click('a:text-is("hello")')]);
    expect(await page.locator("h1").textContent()).toContain("hello");

    // The chart is drawn: bars for the cron run, the three good requests and the failed one, with real heights.
    const bars = page.locator('svg[data-chart="invocations"] rect.bar');
    const errorBars = page.locator('svg[data-chart="invocations"] rect.bar-error');
    expect(await bars.count()).toBeGreaterThan(0);
    expect(await errorBars.count()).toBeGreaterThan(0);
    const counts = async (locator: typeof bars) =>
      (
        await locator.evaluateAll((rects) => rects.map((rect) => Number(rect.getAttribute("data-count"))))
      ).reduce((sum, n) => sum + n, 0);
    expect(await counts(bars)).toBe(4);
    expect(await counts(errorBars)).toBe(1);
    const box = await bars.first().boundingBox();
    expect(box?.height ?? 0).toBeGreaterThan(1);
    expect(await page.locator('svg[data-chart="duration"] circle').count()).toBeGreaterThan(0);

    // The newest invocation is the failed one; opening it shows its log line and its error.
    const invocations = page.locator("details.invocation");
    expect(await invocations.count()).toBe(5);
    await invocations.first().locator("summary").click();
    const newest = invocations.first();
    await newest.locator(".log-line .message").first().waitFor({ state: "visible" });
    const lines = await newest.locator(".log-line .message").allTextContents();
    expect(lines[0]).toBe("dashboard says hello to mallory");
    expect(await newest.textContent()).toContain("asked to fail");
    const older = invocations.nth(3);
    await older.locator("summary").click();
    expect(await older.locator(".log-line .message").first().textContent()).toBe(
      "dashboard says hello to ada",
    );
    const cron = invocations.nth(4);
    await cron.locator("summary").click();
    expect(await cron.locator(".log-line .message").first().textContent()).toBe("cron tick 0 0 1 1 *");
    // The run shows in the cron runs, the trigger with its next run.
    const runs = page.locator("#cron-runs tbody tr");
    expect(await runs.count()).toBe(1);
    expect(await runs.first().textContent()).toContain("(by hand)");
    expect(await page.locator("#triggers").textContent()).toContain("0 0 1 1 *");
    // Times were rewritten into the browser's zone by the page script (it ran, under the page's CSP).
    expect(await page.locator("time[data-ts]").first().textContent()).not.toMatch(/UTC$/);

    await page.screenshot({ path: join(ARTIFACTS, "dashboard-function.png"), fullPage: true });
    expect(problems).toEqual([]);
  }, 60_000);

  it("shows the operator the tenants and the runtime workers", async () => {
    page = await newPage();
    await logIn(server.adminToken ?? "");
    expect(new URL(page.url()).pathname).toBe("/dashboard/operator");
    expect(await page.locator('table[data-table="tenants"] a').allTextContents()).toContain("default");
    const workers = page.locator('table[data-table="workers"] tbody tr');
    expect(await workers.count()).toBeGreaterThan(0);
    // A running worker shows its process id.
    expect(await workers.first().locator("td").nth(2).textContent()).toMatch(/^\d+$/);
    expect(await page.locator("#backlog").textContent()).toContain("async events waiting");
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-operator.png"), fullPage: true });

    await Promise.all([page.waitForURL(/\/dashboard\/login$/), page.click("text=Log out")]);
    expect(problems).toEqual([]);
  }, 60_000);
});
