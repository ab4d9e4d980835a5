// The adversarial suite's arena: one real server, a hostile tenant ("alpha") and an unrelated one ("bravo") whose
// bystander function is called all through each attack, plus the checks every attack ends with.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { expect } from "vitest";
import {
  AdminClient,
  type Answer,
  type CallOptions,
  call,
  type FunctionConfig,
  invoke,
  waitFor,
} from "../src/skiff-api.js";
import { REPO_ROOT, type SkiffServer, type StartOptions, startSkiff } from "../src/skiff-server.js";

/**
 * Limits low enough that every hostile fixture is stopped within a few seconds. The CPU limit leaves room for a
 * cold start, which is charged to the invocation and, on a loaded machine, has been seen to take 250 ms.
 */
export const FAST_LIMITS: FunctionConfig = { timeoutMs: 3000, cpuMs: 400, memoryMb: 32 };

export const HOSTILE_TENANT = "alpha";
export const BYSTANDER_TENANT = "bravo";
export const BYSTANDER = "bystander";
const BYSTANDER_BODY = "bystander ok\n";

export interface Tenant {
  name: string;
  key: string;
  admin: AdminClient;
}

export interface Arena {
  server: SkiffServer;
  operator: AdminClient;
  alpha: Tenant;
  bravo: Tenant;
}

/** Reads a payload from test/adversarial/fixtures. */
export function fixture(name: string): string {
  return readFileSync(join(REPO_ROOT, "test", "adversarial", "fixtures", name), "utf8");
}

/** Creates a tenant through the operator API and returns its first (admin) key. */
export async function createTenant(
  server: SkiffServer,
  operator: AdminClient,
  name: string,
): Promise<Tenant> {
  const created = await operator.call("POST", "/tenants", { name });
  if (created.status !== 201)
    throw new Error(`creating tenant ${name} answered ${created.status}: ${created.text}`);
  const key = created.json.apiKey as string;
  return { name, key, admin: new AdminClient(server, key) };
}

/** Starts a server with the two tenants and bravo's bystander deployed. Stop it with `server.stop()`. */
export async function startArena(options: StartOptions = {}): Promise<Arena> {
  const server = await startSkiff(options);
  try {
    const operator = new AdminClient(server, server.adminToken);
    const alpha = await createTenant(server, operator, HOSTILE_TENANT);
    const bravo = await createTenant(server, operator, BYSTANDER_TENANT);
    await bravo.admin.mustDeploy(BYSTANDER, fixture("bystander.js"), undefined, BYSTANDER_TENANT);
    return { server, operator, alpha, bravo };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/** Deploys a fixture into the hostile tenant, failing the test unless it was accepted. */
export function deployHostile(
  arena: Arena,
  name: string,
  file: string,
  config: FunctionConfig = FAST_LIMITS,
): Promise<number> {
  return arena.alpha.admin.mustDeploy(name, fixture(file), config, HOSTILE_TENANT);
}

/** Calls a hostile tenant's function on the data plane. */
export function invokeHostile(
  arena: Arena,
  name: string,
  path = "",
  options: CallOptions = {},
): Promise<Answer> {
  return invoke(arena.server, name, path, options, HOSTILE_TENANT);
}

export interface BystanderReport {
  /** Every bystander call's status, in completion order. */
  statuses: number[];
  /** Calls that did not answer 200 with the bystander's body, with what they answered instead. */
  failures: Array<{ target: string; status: number; body: string }>;
  latenciesMs: number[];
}

/** A function that must keep answering 200 with the bystander's body; default: bravo's bystander. */
export interface ProbeTarget {
  tenant: string;
  name: string;
}

const DEFAULT_TARGETS: ProbeTarget[] = [{ tenant: BYSTANDER_TENANT, name: BYSTANDER }];

/**
 * Calls the targets (each one a bystander fixture) round-robin on `lanes` parallel connections until stopped.
 * Each lane makes at least one call, so every report covers the whole span between start and stop.
 */
export function startBystanderProbe(
  arena: Arena,
  options: { lanes?: number; targets?: ProbeTarget[] } = {},
): { stop(): Promise<BystanderReport> } {
  const targets = options.targets ?? DEFAULT_TARGETS;
  const report: BystanderReport = { statuses: [], failures: [], latenciesMs: [] };
  let running = true;
  let turn = 0;
  const lane = async () => {
    do {
      const target = targets[turn++ % targets.length] as ProbeTarget;
      const label = `${target.tenant}/${target.name}`;
      const started = performance.now();
      try {
        const answer = await invoke(arena.server, target.name, "", {}, target.tenant);
        report.latenciesMs.push(performance.now() - started);
        report.statuses.push(answer.status);
        if (answer.status !== 200 || answer.text !== BYSTANDER_BODY) {
          report.failures.push({ target: label, status: answer.status, body: answer.text.slice(0, 300) });
        }
      } catch (error) {
        report.statuses.push(0);
        report.failures.push({ target: label, status: 0, body: String(error) });
      }
    } while (running);
  };
  const done = Promise.all(Array.from({ length: options.lanes ?? 2 }, lane));
  return {
    stop: async () => {
      running = false;
      await done;
      return report;
    },
  };
}

/**
 * Runs `attack` while the bystander probe runs, then asserts that every bystander call answered 200 (and that
 * there was at least one per lane). Returns what the attack returned.
 */
export async function duringAttack<T>(
  arena: Arena,
  attack: () => Promise<T>,
  targets: ProbeTarget[] = DEFAULT_TARGETS,
): Promise<T> {
  const probe = startBystanderProbe(arena, { targets });
  let result: T;
  try {
    result = await attack();
  } finally {
    const report = await probe.stop();
    expect(report.failures, "bystander calls that failed during the attack").toEqual([]);
    expect(report.statuses.length).toBeGreaterThanOrEqual(2);
  }
  return result;
}

/** Asserts a DESIGN §5 platform error: the status, the JSON content type and `error.code`. */
export function expectPlatformError(answer: Answer, status: number, code: string): void {
  expect({ status: answer.status, code: answer.json?.error?.code }, answer.text.slice(0, 500)).toEqual({
    status,
    code,
  });
  expect(answer.headers["content-type"]).toMatch(/^application\/json/);
  expect(answer.json.error.message).toEqual(expect.any(String));
}

/** After an attack: /healthz answers ok and the bystander still answers 200. */
export async function expectStillServing(arena: Arena): Promise<void> {
  const health = await call(`${arena.server.url}/healthz`);
  expect({ status: health.status, body: health.json }).toEqual({ status: 200, body: { status: "ok" } });
  const bystander = await invoke(arena.server, BYSTANDER, "", {}, BYSTANDER_TENANT);
  expect({ status: bystander.status, text: bystander.text }).toEqual({ status: 200, text: BYSTANDER_BODY });
}

/**
 * The hostile call, the bystander during and after it, and the server's health, in one step: deploys `file` as
 * `name` in alpha, calls it once while bravo's bystander is called, asserts the answer's status and code.
 */
export async function expectAttackAnswered(
  arena: Arena,
  attack: { name: string; file: string; config?: FunctionConfig; status: number; code: string },
): Promise<Answer> {
  await deployHostile(arena, attack.name, attack.file, attack.config ?? FAST_LIMITS);
  const answer = await duringAttack(arena, () => invokeHostile(arena, attack.name));
  expectPlatformError(answer, attack.status, attack.code);
  await expectStillServing(arena);
  return answer;
}

export interface InvocationRecord {
  id: string;
  outcome: string;
  status: number;
  error?: { name: string; message: string };
}

/** The invocation record of `invocationId` (records are written in batches, so this polls). */
export function recordOf(arena: Arena, name: string, invocationId: string): Promise<InvocationRecord> {
  return waitFor(`the invocation record ${invocationId}`, async () => {
    const list = await arena.alpha.admin.invocations(name, HOSTILE_TENANT);
    return (list.json?.invocations as InvocationRecord[] | undefined)?.find((r) => r.id === invocationId);
  });
}

/** `PRAGMA integrity_check` on the server's metadata database, read-only, while the server runs. */
export function integrityCheck(dataDir: string): string[] {
  const db = new Database(join(dataDir, "skiff.db"), { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare("PRAGMA integrity_check")
      .all()
      .map((row) => String((row as { integrity_check: unknown }).integrity_check));
  } finally {
    db.close();
  }
}

/** The value at quantile `q` (0..1) of `values`, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}
