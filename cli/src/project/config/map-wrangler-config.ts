// `wrangler.toml` / `wrangler.jsonc` → deploy settings: wrangler's field names and environment rules mapped onto
// Skiff's function config, with a note for every field that changes nothing here.
import { type Binding, type FunctionConfigInput, LIMITS } from "@skiff/core";
import { missingEnvironment } from "./missing-environment.js";
import type { DeploySettings } from "./project-config.js";
import {
  IGNORED_WRANGLER_FIELDS,
  type WranglerConfigFile,
  type WranglerEnv,
} from "./wrangler-config-schema.js";

/** Left out of an environment, these come from the top level (wrangler's "inheritable" keys). */
const INHERITED = ["main", "triggers", "limits", "routes", "route"] as const;
/** Left out of an environment, these are empty there (wrangler's "non-inheritable" keys). */
const NOT_INHERITED = ["vars", "kv_namespaces", "r2_buckets", "queues", "services"] as const;

/**
 * Follows wrangler: `--env staging` deploys `<name>-staging` unless the environment names itself; it inherits
 * `main`, `triggers`, `limits` and `routes`, but not `vars` or bindings, which it must repeat.
 *
 * @example
 * mapWranglerConfig({ name: "api", vars: { A: "1" }, triggers: { crons: ["0 * * * *"] } }, undefined, "wrangler.toml");
 * // → { name: "api", config: { vars: { A: "1" }, triggers: { crons: ["0 * * * *"] } }, notes: [] }
 */
export function mapWranglerConfig(
  file: WranglerConfigFile,
  env: string | undefined,
  fileLabel: string,
): DeploySettings {
  const notes: string[] = [];
  let fields: WranglerEnv = file;
  let name = file.name;
  if (env !== undefined) {
    const section = file.env?.[env];
    if (section === undefined) throw missingEnvironment(env, Object.keys(file.env ?? {}), fileLabel);
    const inherited: Partial<WranglerEnv> = {};
    for (const key of INHERITED) {
      if (file[key] !== undefined) Object.assign(inherited, { [key]: file[key] });
    }
    fields = { ...inherited, ...section };
    name = section.name ?? (file.name === undefined ? undefined : `${file.name}-${env}`);
    for (const key of NOT_INHERITED) {
      if (file[key] !== undefined && section[key] === undefined) {
        notes.push(`${key} is not inherited by environments (as in wrangler): env.${env} has none`);
      }
    }
  }

  const config: FunctionConfigInput = {};
  if (fields.vars !== undefined) config.vars = fields.vars;
  if (fields.triggers?.crons !== undefined) config.triggers = { crons: fields.triggers.crons };
  const cpuMs = fields.limits?.cpu_ms;
  if (cpuMs !== undefined) {
    config.cpuMs = cpuMs;
    // Workers bounds CPU, not wall time; Skiff bounds both, so a CPU budget past the default timeout raises it.
    if (cpuMs > LIMITS.timeoutMs.default) {
      config.timeoutMs = Math.min(cpuMs, LIMITS.timeoutMs.max);
      notes.push(
        `limits.cpu_ms ${cpuMs} is above Skiff's default timeout: timeoutMs set to ${config.timeoutMs}`,
      );
    }
  }
  const bindings = mapBindings(fields, notes);
  if (bindings.length > 0) config.bindings = bindings;

  if (fields.routes !== undefined || fields.route !== undefined) {
    notes.push(
      "routes: ignored; Skiff serves the function at /fn/<tenant>/<name> and <name>.<tenant>.<base domain>",
    );
  }
  for (const [field, why] of Object.entries(IGNORED_WRANGLER_FIELDS)) {
    if (field === "$schema") continue;
    const given = (fields as Record<string, unknown>)[field] ?? (file as Record<string, unknown>)[field];
    if (given !== undefined) notes.push(`${field}: ignored${why === "" ? "" : ` (${why})`}`);
  }

  const settings: DeploySettings = { config, notes };
  if (name !== undefined) settings.name = name;
  if (fields.main !== undefined) settings.main = fields.main;
  return settings;
}

function mapBindings(fields: WranglerEnv, notes: string[]): Binding[] {
  const bindings: Binding[] = [];
  for (const kv of fields.kv_namespaces ?? [])
    bindings.push({ type: "kv", name: kv.binding, namespace: kv.id });
  for (const r2 of fields.r2_buckets ?? []) {
    bindings.push({ type: "bucket", name: r2.binding, bucket: r2.bucket_name, access: "read-write" });
  }
  for (const producer of fields.queues?.producers ?? []) {
    bindings.push({ type: "queue", name: producer.binding, queue: producer.queue });
    if (producer.delivery_delay !== undefined) {
      notes.push(`queues.producers ${producer.binding}: delivery_delay ignored; pass delaySeconds to send()`);
    }
  }
  if ((fields.queues?.consumers?.length ?? 0) > 0) {
    notes.push("queues.consumers: ignored; make this function a consumer with `skiff queue consumer`");
  }
  for (const service of fields.services ?? []) {
    bindings.push({ type: "service", name: service.binding, function: service.service });
    if (service.entrypoint !== undefined) notes.push(`services ${service.binding}: entrypoint ignored`);
  }
  return bindings;
}
