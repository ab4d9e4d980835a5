// Deploy latency: admin-API deploys of new functions, timed by the client, for a hello world and a 1 MB bundle
// (each deploy is parsed, compile-checked in an isolate and stored before the 201).
import { performance } from "node:perf_hooks";
import { bundleOfSize, helloVariant } from "../code-variants.js";
import { helloModule } from "../peers/skiff-peer.js";
import type { SkiffServer } from "../peers/skiff-server.js";
import type { DeployResult } from "../results.js";
import { round, summarize } from "../stats.js";
import type { ScenarioContext } from "./context.js";

export async function runDeployLatency(context: ScenarioContext, server: SkiffServer): Promise<DeployResult> {
  const { plan, timeline, log } = context;
  const hello = await helloModule();
  const timed = async (name: string, code: string) => {
    const start = performance.now();
    await server.admin.deploy(name, code);
    return performance.now() - start;
  };
  const helloMs: number[] = [];
  await timeline.step(plan.deploy.hello * 200 + 1_000, async () => {
    for (let i = 0; i < plan.deploy.hello; i++) {
      helloMs.push(await timed(`deploy-hello-${i}`, helloVariant(hello, `deploy-${i}`)));
    }
  });
  const bundleMs: number[] = [];
  let bundleBytes = 0;
  for (let i = 0; i < plan.deploy.bundles; i++) {
    const code = bundleOfSize(plan.deploy.bundleBytes, `b${i}`);
    bundleBytes = Buffer.byteLength(code);
    bundleMs.push(await timeline.step(3_000, () => timed(`deploy-bundle-${i}`, code)));
  }
  const result = { helloMs: summarize(helloMs), bundleMs: summarize(bundleMs), bundleBytes };
  log(
    `deploy: hello p50 ${round(result.helloMs.p50, 1)} ms p99 ${round(result.helloMs.p99, 1)} ms; ` +
      `${round(bundleBytes / 1024 / 1024, 2)} MB bundle p50 ${round(result.bundleMs.p50, 1)} ms`,
  );
  return result;
}
