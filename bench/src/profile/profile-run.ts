// `--profile <scenario>`: runs one Skiff scenario with V8's CPU profiler in the serve process and, through the
// environment its runtime workers inherit, in every worker; then summarises where CPU time went.
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { helloVariant } from "../code-variants.js";
import { runLoad } from "../load/run-load.js";
import { distScript, REPO_ROOT } from "../paths.js";
import { helloModule, startSkiffPeer } from "../peers/skiff-peer.js";
import { startSkiff } from "../peers/skiff-server.js";
import { processTreeMemory } from "../process-tree.js";
import { runAsyncDelivery } from "../scenarios/async-delivery.js";
import { mapParallel, type ScenarioContext } from "../scenarios/context.js";
import { asCpuProfile, type ProfileSummary, summarizeProfile } from "./cpu-profile.js";
import { PROFILE_DIR_ENV, PROFILE_START_SIGNAL } from "./profile-env.js";
import type { ProfileTarget } from "./profile-targets.js";

const PROFILE_NAME = /^CPU\.(\d+)\.cpuprofile$/;
const WARM_SECONDS = 10;
const COLD_FUNCTIONS = 200;
/** Processes busier than this share of the run are shown. */
const SHOWN_BUSY_SHARE = 0.05;

export interface ProfiledProcess {
  role: string;
  pid: number;
  summary: ProfileSummary;
}

export async function runProfile(
  context: ScenarioContext,
  target: ProfileTarget,
): Promise<ProfiledProcess[]> {
  const dir = await mkdtemp(join(tmpdir(), "skiff-bench-profile-"));
  try {
    const preload = pathToFileURL(distScript("profile/cpu-profile-preload.js")).href;
    const env = {
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import=${preload}`.trim(),
      [PROFILE_DIR_ENV]: dir,
    };
    let serverPid: number;
    if (target === "warm") {
      const peer = await startSkiffPeer(env);
      serverPid = peer.pid;
      try {
        // Warm up first: only the steady state is profiled.
        await runLoad({ url: peer.helloUrl, connections: 100, durationSeconds: 2 });
        await startProfiling(peer.pid);
        context.log(`profile: warm hello at c=100 for ${WARM_SECONDS} s`);
        await runLoad({ url: peer.helloUrl, connections: 100, durationSeconds: WARM_SECONDS });
      } finally {
        await peer.stop();
      }
    } else if (target === "cold") {
      const server = await startSkiff({ env });
      serverPid = server.pid;
      try {
        const hello = await helloModule();
        const names = Array.from({ length: COLD_FUNCTIONS }, (_, i) => `cold-${i}`);
        await mapParallel(names, 4, (name) => server.admin.deploy(name, helloVariant(hello, name)));
        await startProfiling(server.pid);
        context.log(`profile: first request to ${names.length} functions`);
        await runLoad({
          url: `${server.url}/`,
          connections: 1,
          amount: names.length,
          paths: names.map((name) => `/fn/default/${name}`),
        });
      } finally {
        await server.stop();
      }
    } else {
      const server = await startSkiff({ env });
      serverPid = server.pid;
      try {
        await startProfiling(server.pid);
        await runAsyncDelivery(context, server);
      } finally {
        await server.stop();
      }
    }
    const processes = await readProfiles(dir, serverPid);
    context.log(`profile: raw .cpuprofile files (flame graphs: Chrome DevTools, speedscope) kept in ${dir}`);
    return processes;
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Starts the profiler in every Node process of the server's tree (the preload listens for the signal). */
async function startProfiling(serverPid: number): Promise<void> {
  const tree = await processTreeMemory(serverPid);
  for (const p of tree.processes) {
    // Only Node processes carry the preload; esbuild's service process would die of the signal.
    if (p.command === "node") process.kill(p.pid, PROFILE_START_SIGNAL);
  }
}

async function readProfiles(dir: string, serverPid: number): Promise<ProfiledProcess[]> {
  const processes: ProfiledProcess[] = [];
  for (const file of await readdir(dir)) {
    const pid = Number(PROFILE_NAME.exec(file)?.[1]);
    if (!Number.isInteger(pid)) continue;
    const profile = asCpuProfile(JSON.parse(await readFile(join(dir, file), "utf8")));
    const summary = summarizeProfile(profile, REPO_ROOT);
    processes.push({
      role: pid === serverPid ? "skiff serve (main process)" : "runtime worker",
      pid,
      summary,
    });
  }
  if (processes.length === 0) throw new Error("no CPU profile was written (did the processes exit cleanly?)");
  const busy = (p: ProfiledProcess) => p.summary.busyMs;
  return processes
    .filter((p) => p.pid === serverPid || p.summary.busyMs >= p.summary.durationMs * SHOWN_BUSY_SHARE)
    .sort((a, b) => busy(b) - busy(a));
}

export function profileMarkdown(target: ProfileTarget, date: string, processes: ProfiledProcess[]): string {
  const out = [`## CPU profile: ${target} (\`npm run bench -- --profile ${target}\`, ${date})`, ""];
  for (const p of processes) {
    const busy = p.summary.busyMs;
    out.push(
      `### ${p.role}, pid ${p.pid}: busy ${busy} ms of ${p.summary.durationMs} ms`,
      "",
      "| self ms | self % of busy | total ms | frame |",
      "|---|---|---|---|",
      ...p.summary.top.map(
        (f) => `| ${f.selfMs} | ${f.selfPercent} | ${f.totalMs} | \`${f.frame.replaceAll("|", "\\|")}\` |`,
      ),
      "",
    );
  }
  return out.join("\n");
}
