// The schema of `wrangler.toml` / `wrangler.jsonc` as far as Skiff reads it: wrangler's own field names, checked
// strictly so a typo is reported rather than silently dropped.
import { BINDING_NAME_RULE, functionConfigInputSchema, isValidBindingName, NAME_PATTERN } from "@skiff/core";
import { z } from "zod";
import { ENV_NAME } from "./skiff-config-schema.js";

const bindingName = z.string().refine(isValidBindingName, { message: `a binding's ${BINDING_NAME_RULE}` });
const resourceName = (what: string) =>
  z
    .string()
    .regex(NAME_PATTERN, `a ${what} name is 1-63 of a-z, 0-9 and '-', not starting or ending with '-'`);

/**
 * Wrangler fields that mean nothing on Skiff and change nothing about how the function runs: accepted, and the
 * deploy notes that they were ignored.
 */
export const IGNORED_WRANGLER_FIELDS = {
  $schema: "",
  compatibility_date: "Skiff has one runtime, always current",
  compatibility_flags: "Skiff has one runtime; Node.js APIs (nodejs_compat) are not available",
  account_id: "Skiff has tenants instead (--tenant)",
  workers_dev: "every function is served at /fn/<tenant>/<name>",
  preview_urls: "",
  keep_vars: "",
  logpush: "",
  observability: "Skiff keeps every invocation's logs (skiff logs)",
  placement: "",
  usage_model: "",
  minify: "",
  upload_source_maps: "",
  send_metrics: "",
  tsconfig: "esbuild reads the project's tsconfig.json",
  dev: "use `skiff dev --port`",
  build: "Skiff bundles main with esbuild itself",
  no_bundle: "",
  find_additional_modules: "",
  base_dir: "",
  rules: "",
  node_compat: "Node.js APIs are not available",
  first_party_worker: "",
  zone_id: "",
} as const satisfies Record<string, string>;

/** Wrangler fields for Cloudflare products Skiff does not have: a deploy refuses them, naming what is missing. */
export const UNSUPPORTED_WRANGLER_FIELDS = {
  durable_objects: "Durable Objects",
  migrations: "Durable Object migrations",
  d1_databases: "D1 databases",
  hyperdrive: "Hyperdrive",
  vectorize: "Vectorize",
  ai: "Workers AI",
  browser: "Browser Rendering",
  analytics_engine_datasets: "Analytics Engine",
  dispatch_namespaces: "dispatch namespaces",
  mtls_certificates: "mTLS certificates",
  send_email: "Email sending",
  tail_consumers: "Tail Workers (use `skiff logs -f`)",
  unsafe: "unsafe bindings",
  assets: "static assets",
  site: "Workers Sites",
  wasm_modules: "wasm_modules (import the .wasm file from main instead)",
  text_blobs: "text_blobs (import the file from main instead)",
  data_blobs: "data_blobs (import the file from main instead)",
  workflows: "Workflows",
  version_metadata: "version metadata bindings",
  images: "Images",
  pipelines: "Pipelines",
  secrets_store_secrets: "Secrets Store (use `skiff deploy --secret`)",
  containers: "Containers",
  logfwdr: "logfwdr",
} as const satisfies Record<string, string>;

const ignored = z.unknown().optional();
const unsupported = (what: string) =>
  z
    .unknown()
    .superRefine((_, ctx) => {
      ctx.addIssue({ code: "custom", message: `Skiff has no ${what}; remove this field` });
    })
    .optional();

const route = z.union([
  z.string().min(1),
  z.strictObject({
    pattern: z.string().min(1),
    zone_name: z.string().optional(),
    zone_id: z.string().optional(),
    custom_domain: z.boolean().optional(),
  }),
]);

/** Fields an `env.<name>` section inherits from the top level when it leaves them out (wrangler's rules). */
const inheritable = {
  name: resourceName("worker").optional(),
  main: z.string().min(1).max(1024).optional(),
  triggers: z.strictObject({ crons: z.array(z.string().min(1).max(256)).optional() }).optional(),
  limits: z.strictObject({ cpu_ms: z.number().int().positive().optional() }).optional(),
  routes: z.array(route).optional(),
  route: route.optional(),
};

/** Fields an `env.<name>` section must repeat: left out there, the environment has none (wrangler's rules). */
const perEnvironment = {
  vars: functionConfigInputSchema.shape.vars,
  kv_namespaces: z
    .array(
      z.strictObject({
        binding: bindingName,
        id: z.string().min(1).max(63),
        preview_id: z.string().optional(),
      }),
    )
    .optional(),
  r2_buckets: z
    .array(
      z.strictObject({
        binding: bindingName,
        bucket_name: z.string().min(3).max(63),
        preview_bucket_name: z.string().optional(),
        jurisdiction: z.string().optional(),
      }),
    )
    .optional(),
  queues: z
    .strictObject({
      producers: z
        .array(
          z.strictObject({
            binding: bindingName,
            queue: resourceName("queue"),
            delivery_delay: z.number().int().nonnegative().optional(),
          }),
        )
        .optional(),
      consumers: z.array(z.unknown()).optional(),
    })
    .optional(),
  services: z
    .array(
      z.strictObject({
        binding: bindingName,
        service: resourceName("function"),
        entrypoint: z.string().optional(),
        environment: z.string().optional(),
      }),
    )
    .optional(),
};

const passive = {
  ...(Object.fromEntries(Object.keys(IGNORED_WRANGLER_FIELDS).map((field) => [field, ignored])) as {
    [K in keyof typeof IGNORED_WRANGLER_FIELDS]: typeof ignored;
  }),
  ...(Object.fromEntries(
    Object.entries(UNSUPPORTED_WRANGLER_FIELDS).map(([field, what]) => [field, unsupported(what)]),
  ) as { [K in keyof typeof UNSUPPORTED_WRANGLER_FIELDS]: ReturnType<typeof unsupported> }),
};

export const wranglerEnvSchema = z.strictObject({ ...passive, ...inheritable, ...perEnvironment });

export const wranglerConfigSchema = z.strictObject({
  ...passive,
  ...inheritable,
  ...perEnvironment,
  env: z
    .record(
      z.string().regex(ENV_NAME, "environment names are 1-63 letters, digits, '-' and '_'"),
      wranglerEnvSchema,
    )
    .optional(),
});

export type WranglerEnv = z.infer<typeof wranglerEnvSchema>;
export type WranglerConfigFile = z.infer<typeof wranglerConfigSchema>;
