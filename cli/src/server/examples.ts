// Deploys the bundled example functions through the admin API, so they are validated like any deploy.
import { readdir, readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { isValidName, sha256Hex, singleModuleBundle } from "@skiff/core";
import { encodeCodeBundle } from "@skiff/gateway";
import type { Storage } from "@skiff/storage";
import { DEFAULT_TENANT } from "./default-tenant.js";

/** What is needed of the gateway app: Hono's in-process `request`. */
export interface InProcessApp {
  request(path: string, init: RequestInit): Response | Promise<Response>;
}

export interface ExampleDeployment {
  name: string;
  file: string;
  status: "deployed" | "unchanged" | "skipped";
  version: number | undefined;
  /** Why it was skipped. */
  reason?: string;
}

/**
 * Deploys each `*.js` in `dir` as a function named after the file into tenant `default`; a function whose
 * active version already has the same code is left alone, so restarts do not pile up versions.
 */
export async function deployExamples(options: {
  app: InProcessApp;
  adminToken: string;
  storage: Pick<Storage, "functions">;
  dir: string;
}): Promise<ExampleDeployment[]> {
  const files = (await readdir(options.dir)).filter((f) => f.endsWith(".js")).sort();
  const results: ExampleDeployment[] = [];
  for (const file of files) {
    const name = basename(file, ".js");
    if (!isValidName(name)) {
      results.push({
        name,
        file,
        status: "skipped",
        version: undefined,
        reason: "not a valid function name",
      });
      continue;
    }
    const code = await readFile(join(options.dir, file), "utf8");
    const active = await activeVersion(options.storage, name);
    // The stored blob is the canonical bundle the deploy API makes of this code, so hash the same thing.
    if (active !== undefined && active.codeHash === sha256Hex(encodeCodeBundle(singleModuleBundle(code)))) {
      results.push({ name, file, status: "unchanged", version: active.number });
      continue;
    }
    results.push(await deployOne(options, name, file, code));
  }
  return results;
}

async function activeVersion(storage: Pick<Storage, "functions">, name: string) {
  const fn = await storage.functions.get(DEFAULT_TENANT, name);
  if (fn?.activeVersion == null) return undefined;
  return storage.functions.getVersion(DEFAULT_TENANT, name, fn.activeVersion);
}

async function deployOne(
  options: { app: InProcessApp; adminToken: string },
  name: string,
  file: string,
  code: string,
): Promise<ExampleDeployment> {
  const answer = await options.app.request(`/api/v1/tenants/${DEFAULT_TENANT}/functions/${name}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${options.adminToken}`, "content-type": "application/json" },
    body: JSON.stringify({ code, config: {} }),
  });
  const body = (await answer.json().catch(() => undefined)) as
    | { version?: { number?: number }; error?: { message?: string } }
    | undefined;
  if (answer.status !== 201 && answer.status !== 200) {
    const reason = body?.error?.message ?? `HTTP ${answer.status}`;
    return { name, file, status: "skipped", version: undefined, reason };
  }
  return { name, file, status: "deployed", version: body?.version?.number };
}
