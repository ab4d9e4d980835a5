// A tenant's functions: deploy, inspect, delete, list versions, roll back, and read recent invocations.
import {
  assertNoVarSecretClash,
  assertValidName,
  LIMITS,
  parseFunctionConfig,
  parseSecrets,
  SkiffError,
  summarizeCodeBundle,
} from "@skiff/core";
import type { CheckResult } from "@skiff/runtime";
import { validateAllowedHosts } from "@skiff/runtime";
import type { FunctionRecord } from "@skiff/storage";
import { type Context, Hono } from "hono";
import type { AuthEnv } from "../auth.js";
import { encodeCodeBundle } from "../deploy/canonical-bundle.js";
import { buildCodeBundle } from "../deploy/code-bundle-builder.js";
import type { GatewayDeps } from "../deps.js";
import { readJsonBody } from "../json-body.js";
import { checkBindings } from "./binding-check.js";
import { deployBody, invocationsQuery, parseRequest, rollbackBody } from "./schemas.js";
import { checkedTriggers } from "./triggers.js";

type FunctionDeps = Pick<GatewayDeps, "storage" | "runtime" | "routes" | "writer" | "locks">;

/**
 * JSON escaping can at most double typical source (base64 adds a third); past that the request can not carry
 * code within the limit. The slack holds config and secrets (128 × 5 KB, escaped).
 */
const DEPLOY_BODY_BYTES = 2 * LIMITS.codeBytes + 4 * 1024 * 1024;
const SMALL_BODY_BYTES = 16 * 1024;
const DEFAULT_INVOCATION_LIMIT = 50;

const codeTooLarge = () =>
  new SkiffError("CODE_TOO_LARGE", `the code is larger than the limit of ${LIMITS.codeBytes} bytes`);

/** The tenant and function named by the route, with the function name checked. */
function target(c: Context<AuthEnv>): { tenant: string; name: string } {
  const tenant = c.req.param("tenant") ?? "";
  const name = c.req.param("name") ?? "";
  assertValidName("function", name);
  return { tenant, name };
}

function compileError(check: Extract<CheckResult, { ok: false }>): SkiffError {
  const { message, module, line, column } = check.error;
  // The runtime's message may already say where; the client needs the line once, not twice.
  const where =
    line === undefined || message.includes(`line ${line}`)
      ? ""
      : column === undefined
        ? ` (line ${line})`
        : ` (line ${line}, column ${column})`;
  const file = module === undefined || message.includes(module) ? "" : `${module}: `;
  return new SkiffError("INVALID_CODE", `the code does not compile: ${file}${message}${where}`, {
    details: { message, file: module, line, column },
  });
}

/** Routes under `/api/v1/tenants/:tenant/functions`; the tenant is already authorised and known to exist. */
export function functionRoutes(deps: FunctionDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const { storage, runtime, routes, writer, locks } = deps;

  async function existing(tenant: string, name: string): Promise<FunctionRecord> {
    const record = await storage.functions.get(tenant, name);
    if (record === undefined) {
      throw new SkiffError("FUNCTION_NOT_FOUND", `function "${name}" does not exist in tenant "${tenant}"`);
    }
    return record;
  }

  app.get("/", async (c) => {
    const tenant = c.req.param("tenant") ?? "";
    return c.json({ functions: await storage.functions.list(tenant) });
  });

  app.put("/:name", async (c) => {
    const { tenant, name } = target(c);
    const body = parseRequest(
      deployBody,
      await readJsonBody(c.req.raw, DEPLOY_BODY_BYTES, codeTooLarge),
      "deploy",
    );
    const parsed = parseFunctionConfig(body.config);
    const config = { ...parsed, triggers: { crons: checkedTriggers(parsed.triggers.crons) } };
    // The same parser the runtime's egress policy uses, so a deploy never stores an entry it would refuse.
    validateAllowedHosts(config.allowedHosts);
    const secrets = body.secrets === undefined ? {} : parseSecrets(body.secrets);
    // Stored secrets are checked against the vars by storage, in the deploy's transaction.
    assertNoVarSecretClash(config.vars, Object.keys(secrets));
    await checkBindings(
      storage,
      tenant,
      config.bindings,
      [
        ...Object.keys(config.vars),
        ...Object.keys(secrets),
        ...(await storage.secrets.list(tenant, name).catch(() => [])).map((secret) => secret.name),
      ],
      name,
    );
    const bundle = await buildCodeBundle(body);
    const check = await runtime.check(bundle);
    if (!check.ok) throw compileError(check);

    const deployed = await locks.run(`${tenant}/${name}`, async () => {
      const result = await storage.functions.deploy(tenant, name, {
        code: encodeCodeBundle(bundle),
        config,
        summary: summarizeCodeBundle(bundle),
        secrets,
      });
      const previous = routes.set({
        tenant,
        functionName: name,
        version: result.version,
        secrets: await storage.secrets.reveal(tenant, name),
      });
      if (previous !== undefined && previous.id !== result.version.id) runtime.evict(previous.id);
      // Storage lifted any quarantine in the same transaction; the runtime follows.
      runtime.liftQuarantine(tenant, name);
      // Answered once every port serves the new version (routing-table.ts `followed`).
      await routes.followed();
      return result;
    });
    return c.json({ function: deployed.function, version: deployed.version }, 201);
  });

  app.get("/:name", async (c) => {
    const { tenant, name } = target(c);
    const record = await existing(tenant, name);
    const version =
      record.activeVersion === null
        ? null
        : await storage.functions.getVersion(tenant, name, record.activeVersion);
    return c.json({ function: record, version: version ?? null });
  });

  app.delete("/:name", async (c) => {
    const { tenant, name } = target(c);
    await locks.run(`${tenant}/${name}`, async () => {
      await existing(tenant, name);
      const versions = await storage.functions.listVersions(tenant, name);
      // Records still buffered belong to the function being deleted: store them before it goes, not after.
      await writer.flush();
      await storage.functions.delete(tenant, name);
      routes.delete(tenant, name);
      for (const version of versions) runtime.evict(version.id);
      runtime.liftQuarantine(tenant, name);
      await routes.followed();
    });
    return c.json({ deleted: true, tenant, name });
  });

  app.get("/:name/versions", async (c) => {
    const { tenant, name } = target(c);
    await existing(tenant, name);
    return c.json({ versions: await storage.functions.listVersions(tenant, name) });
  });

  app.post("/:name/rollback", async (c) => {
    const { tenant, name } = target(c);
    const body = parseRequest(rollbackBody, await readJsonBody(c.req.raw, SMALL_BODY_BYTES), "rollback");
    const activated = await locks.run(`${tenant}/${name}`, async () => {
      await existing(tenant, name);
      if ((await storage.functions.getVersion(tenant, name, body.version)) === undefined) {
        throw new SkiffError("VERSION_NOT_FOUND", `function "${name}" has no version ${body.version}`);
      }
      const result = await storage.functions.activate(tenant, name, body.version);
      const previous = routes.set({
        tenant,
        functionName: name,
        version: result.version,
        secrets: await storage.secrets.reveal(tenant, name),
      });
      if (previous !== undefined && previous.id !== result.version.id) runtime.evict(previous.id);
      // Storage lifted any quarantine in the same transaction; the runtime follows.
      runtime.liftQuarantine(tenant, name);
      // Answered once every port serves the new version (routing-table.ts `followed`).
      await routes.followed();
      return result;
    });
    return c.json({ function: activated.function, version: activated.version });
  });

  app.get("/:name/invocations", async (c) => {
    const { tenant, name } = target(c);
    const query = parseRequest(invocationsQuery, c.req.query(), "query");
    await existing(tenant, name);
    // A caller who just invoked the function expects to see that invocation.
    await writer.flush();
    const invocations = await storage.invocations.list(tenant, name, {
      limit: query.limit ?? DEFAULT_INVOCATION_LIMIT,
    });
    return c.json({ invocations });
  });

  return app;
}
