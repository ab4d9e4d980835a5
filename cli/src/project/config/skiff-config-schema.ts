// The schema of `skiff.jsonc`: a function's name, entry module and configuration, with per-environment overrides.
import { BINDING_NAME, functionConfigInputSchema, NAME_PATTERN } from "@skiff/core";
import { z } from "zod";

const config = functionConfigInputSchema.shape;

/** `--env` names: what wrangler allows, so the same names work in both files. */
export const ENV_NAME = /^[A-Za-z0-9_-]{1,63}$/;

const functionName = z
  .string()
  .regex(NAME_PATTERN, "a function name is 1-63 of a-z, 0-9 and '-', not starting or ending with '-'")
  .meta({ description: "The function's name (default: the project's package name or folder name)." });

const main = z.string().min(1).max(1024).meta({
  description: "The entry module, relative to this file, e.g. src/index.ts; bundled with its imports.",
});

/** What a deploy sets: every field of Skiff's function config, plus its name and entry module. */
const deployFields = {
  name: functionName.optional(),
  main: main.optional(),
  memoryMb: config.memoryMb.meta({ description: "Memory limit in MB (16-2048; default 128)." }),
  cpuMs: config.cpuMs.meta({
    description: "CPU time per invocation in ms (default 30000, never above timeoutMs).",
  }),
  timeoutMs: config.timeoutMs.meta({
    description: "Wall-clock timeout per invocation in ms (default 3000).",
  }),
  concurrency: config.concurrency.meta({ description: "Invocations running at once (1-1000; default 10)." }),
  vars: config.vars.meta({
    description: "Values the function reads as env.NAME: strings, or JSON values that env holds parsed.",
    type: "object",
    propertyNames: { pattern: BINDING_NAME.source },
  }),
  allowedHosts: config.allowedHosts.meta({
    description:
      'Hosts this function may fetch although the egress policy refuses them ("api.internal:8443").',
  }),
  triggers: config.triggers.meta({
    description: "Cron schedules that run the function's scheduled handler.",
  }),
  bindings: config.bindings.meta({
    description: "Buckets, KV namespaces, queues, topics and functions the function reaches as env.NAME.",
  }),
  async: config.async.meta({ description: "Retries of asynchronous deliveries (events, cron retries)." }),
};

/** One environment's overrides (`skiff deploy --env staging`): each field given replaces the top-level one. */
export const skiffEnvSchema = z.strictObject(deployFields);

export const skiffConfigSchema = z
  .strictObject({
    $schema: z.string().optional().meta({ description: "Where editors find this schema." }),
    ...deployFields,
    env: z
      .record(
        z.string().regex(ENV_NAME, "environment names are 1-63 letters, digits, '-' and '_'"),
        skiffEnvSchema,
      )
      .optional()
      .meta({
        description: "Named environments, chosen with --env; each field given replaces the top-level one.",
      }),
  })
  .meta({
    title: "skiff.jsonc",
    description: "A Skiff function project: its name, entry module and configuration.",
  });

export type SkiffConfigFile = z.infer<typeof skiffConfigSchema>;
