// An in-memory Storage with the contract's semantics, for gateway unit tests (the e2e suite uses SQLite).
import {
  assertNoVarSecretClash,
  assertValidSecretName,
  assertValidSecretValue,
  DEFAULT_QUOTAS,
  type InvocationRecord,
  LIMITS,
  logLevelSeverity,
  newApiKey,
  newId,
  SkiffError,
  sha256Hex,
} from "@skiff/core";
import type {
  ActiveDeployment,
  ApiKeyRecord,
  ApiKeyRepository,
  ApiKeyRole,
  BacklogRepository,
  BlobStore,
  BucketRepository,
  DeadLetterRepository,
  DeployInput,
  EventQueue,
  FunctionRecord,
  FunctionRepository,
  InvocationQuery,
  InvocationRepository,
  KvStore,
  MultipartStore,
  ObjectStore,
  QueueDelivery,
  QueueRepository,
  S3CredentialRepository,
  SecretRecord,
  SecretRepository,
  Storage,
  Tenant,
  TenantQuotaRepository,
  TenantRepository,
  TopicRepository,
  TriggerRunRepository,
  UsageRepository,
  VersionRecord,
  WebhookRepository,
} from "@skiff/storage";

interface StoredFunction {
  record: FunctionRecord;
  versions: VersionRecord[];
  /** Clear values: a fake has no disk to keep them from. */
  secrets: Map<string, SecretRecord & { value: string }>;
}

/** Every repository over plain maps; `failInserts` makes `invocations.insertMany` reject. */
export class FakeStorage implements Storage {
  readonly tenantRows = new Map<string, Tenant>();
  readonly keyRows = new Map<string, ApiKeyRecord>();
  readonly functionRows = new Map<string, StoredFunction>();
  readonly blobRows = new Map<string, Uint8Array>();
  invocationRows: InvocationRecord[] = [];
  failInserts = false;
  closed = false;
  #nextTenantId = 1;
  #nextFunctionId = 1;

  constructor(private readonly now: () => number = () => 0) {}

  // The queue, dead letters and run history are exercised against real SQLite (gateway.sqlite tests and the
  // scheduler's own tests); a gateway unit test that reaches them fails loudly instead of faking them.
  readonly events = unsupported<EventQueue>("events");
  readonly deadLetters = unsupported<DeadLetterRepository>("deadLetters");
  readonly triggerRuns = unsupported<TriggerRunRepository>("triggerRuns");
  readonly buckets = unsupported<BucketRepository>("buckets");
  readonly objects = unsupported<ObjectStore>("objects");
  readonly multipart = unsupported<MultipartStore>("multipart");
  readonly kv = unsupported<KvStore>("kv");
  readonly s3Credentials = unsupported<S3CredentialRepository>("s3Credentials");
  readonly webhooks = unsupported<WebhookRepository>("webhooks");
  // Quotas, usage and quarantines are tested against real SQLite; here every tenant has the defaults.
  readonly usage = unsupported<UsageRepository>("usage");
  // Sampled by /metrics on scrape: an empty backlog here; real counts are tested against SQLite.
  readonly backlog: BacklogRepository = {
    sample: async () => ({ events: [], queueMessages: [], deadLetters: [] }),
  };
  readonly queues = unsupported<QueueRepository>("queues");
  readonly queueDelivery = unsupported<QueueDelivery>("queueDelivery");
  readonly topics = unsupported<TopicRepository>("topics");
  readonly tenantQuotas: TenantQuotaRepository = {
    get: async (tenant) => {
      this.#tenant(tenant);
      return { ...DEFAULT_QUOTAS };
    },
    set: unsupported<TenantQuotaRepository>("tenantQuotas").set,
    all: async () => new Map(),
  };

  readonly tenants: TenantRepository = {
    create: async (name) => {
      if (this.tenantRows.has(name)) throw new SkiffError("CONFLICT", `tenant "${name}" already exists`);
      const tenant = { id: this.#nextTenantId++, name, createdAt: this.now() };
      this.tenantRows.set(name, tenant);
      return { ...tenant };
    },
    createWithKey: async (name, role) => {
      const tenant = await this.tenants.create(name);
      const { key } = await this.apiKeys.create(name, role);
      return { tenant, key };
    },
    get: async (name) => {
      const tenant = this.tenantRows.get(name);
      return tenant && { ...tenant };
    },
    list: async () => [...this.tenantRows.values()].map((t) => ({ ...t })),
  };

  readonly apiKeys: ApiKeyRepository = {
    create: async (tenantName: string, role: ApiKeyRole) => {
      const tenant = this.#tenant(tenantName);
      const key = newApiKey();
      const record: ApiKeyRecord = {
        id: newId(),
        tenantId: tenant.id,
        tenantName,
        role,
        prefix: key.slice(0, 10),
        createdAt: this.now(),
        lastUsedAt: null,
        revokedAt: null,
      };
      this.keyRows.set(sha256Hex(key), record);
      return { key, record: { ...record } };
    },
    findByHash: async (hash) => {
      const record = this.keyRows.get(hash);
      return record && record.revokedAt === null ? { ...record } : undefined;
    },
    list: async (tenantName) => {
      this.#tenant(tenantName);
      return [...this.keyRows.values()]
        .filter((r) => r.tenantName === tenantName)
        .reverse()
        .map((r) => ({ ...r }));
    },
    touch: async (id, now) => {
      for (const record of this.keyRows.values()) if (record.id === id) record.lastUsedAt = now;
    },
    revoke: async (tenantName, id) => {
      this.#tenant(tenantName);
      const record = [...this.keyRows.values()].find((r) => r.id === id && r.tenantName === tenantName);
      if (record === undefined) throw new SkiffError("NOT_FOUND", `no API key ${id}`);
      record.revokedAt ??= this.now();
    },
  };

  readonly functions: FunctionRepository = {
    deploy: async (tenant: string, name: string, input: DeployInput) => {
      const owner = this.#tenant(tenant);
      const existing = this.functionRows.get(`${tenant}/${name}`);
      this.#checkSecrets(existing, input.secrets ?? {}, input.config.vars);
      const { sha256, size } = await this.blobs.put(input.code);
      const now = this.now();
      let stored = existing;
      if (stored === undefined) {
        stored = {
          record: {
            id: this.#nextFunctionId++,
            tenantId: owner.id,
            tenantName: tenant,
            name,
            activeVersion: null,
            createdAt: now,
            updatedAt: now,
          },
          versions: [],
          secrets: new Map(),
        };
        this.functionRows.set(`${tenant}/${name}`, stored);
      }
      for (const [secret, value] of Object.entries(input.secrets ?? {}))
        this.#putSecret(stored, secret, value, now);
      const summary = input.summary ?? {
        main: "index.js",
        modules: [{ path: "index.js", type: "esm" as const, size }],
      };
      const version: VersionRecord = {
        id: newId(),
        functionId: stored.record.id,
        number: stored.versions.length + 1,
        codeHash: sha256,
        codeSize: size,
        main: summary.main,
        modules: structuredClone(summary.modules),
        config: structuredClone(input.config),
        createdAt: now,
      };
      stored.versions.push(version);
      stored.record.activeVersion = version.number;
      stored.record.updatedAt = now;
      return { function: { ...stored.record }, version: structuredClone(version) };
    },
    get: async (tenant, name) => {
      const stored = this.functionRows.get(`${tenant}/${name}`);
      return stored && { ...stored.record };
    },
    list: async (tenant) => {
      this.#tenant(tenant);
      return [...this.functionRows.values()]
        .filter((f) => f.record.tenantName === tenant)
        .map((f) => ({ ...f.record }))
        .sort((a, b) => a.name.localeCompare(b.name));
    },
    delete: async (tenant, name) => {
      const stored = this.#function(tenant, name);
      this.functionRows.delete(`${tenant}/${name}`);
      this.invocationRows = this.invocationRows.filter(
        (r) => !(r.tenant === tenant && r.functionName === stored.record.name),
      );
    },
    listVersions: async (tenant, name) => structuredClone(this.#function(tenant, name).versions),
    getVersion: async (tenant, name, number) => {
      const version = this.functionRows.get(`${tenant}/${name}`)?.versions.find((v) => v.number === number);
      return version && structuredClone(version);
    },
    activate: async (tenant, name, number) => {
      const stored = this.#function(tenant, name);
      const version = stored.versions.find((v) => v.number === number);
      if (version === undefined) {
        throw new SkiffError("VERSION_NOT_FOUND", `function "${name}" has no version ${number}`);
      }
      stored.record.activeVersion = number;
      stored.record.updatedAt = this.now();
      return { function: { ...stored.record }, version: structuredClone(version) };
    },
    listActive: async () => {
      const active: ActiveDeployment[] = [];
      for (const stored of this.functionRows.values()) {
        const version = stored.versions.find((v) => v.number === stored.record.activeVersion);
        if (version === undefined) continue;
        active.push({
          tenant: stored.record.tenantName,
          functionName: stored.record.name,
          version: structuredClone(version),
          secrets: this.#reveal(stored),
        });
      }
      return active;
    },
    setQuarantine: unsupported<FunctionRepository>("functions").setQuarantine,
    listQuarantined: async () => [],
  };

  readonly secrets: SecretRepository = {
    put: async (tenant, functionName, name, value) => {
      const stored = this.#function(tenant, functionName);
      const active = stored.versions.find((v) => v.number === stored.record.activeVersion);
      this.#checkSecrets(stored, { [name]: value }, active?.config.vars ?? {});
      const created = !stored.secrets.has(name);
      const secret = this.#putSecret(stored, name, value, this.now());
      return { secret, created };
    },
    list: async (tenant, functionName) =>
      [...this.#function(tenant, functionName).secrets.values()]
        .map(({ name, createdAt, updatedAt }) => ({ name, createdAt, updatedAt }))
        .sort((a, b) => (a.name < b.name ? -1 : 1)),
    delete: async (tenant, functionName, name) => {
      if (!this.#function(tenant, functionName).secrets.delete(name)) {
        throw new SkiffError("NOT_FOUND", `function "${functionName}" has no secret ${JSON.stringify(name)}`);
      }
    },
    reveal: async (tenant, functionName) => this.#reveal(this.#function(tenant, functionName)),
  };

  readonly blobs: BlobStore = {
    put: async (bytes) => {
      const sha256 = sha256Hex(bytes);
      this.blobRows.set(sha256, bytes.slice());
      return { sha256, size: bytes.byteLength };
    },
    get: async (sha256) => {
      const bytes = this.blobRows.get(sha256);
      if (bytes === undefined) throw new SkiffError("NOT_FOUND", `no blob ${sha256}`);
      return bytes.slice();
    },
    has: async (sha256) => this.blobRows.has(sha256),
  };

  readonly invocations: InvocationRepository = {
    insertMany: async (records) => {
      if (this.failInserts) throw new Error("disk full");
      // Like the SQLite foreign key: records of a function that no longer exists are not kept.
      this.invocationRows.push(
        ...structuredClone(records).filter((r) => this.functionRows.has(`${r.tenant}/${r.functionName}`)),
      );
    },
    list: async (tenant, functionName, query: InvocationQuery = {}) => {
      this.#function(tenant, functionName);
      const minSeverity = query.minLevel === undefined ? 0 : logLevelSeverity(query.minLevel);
      return this.invocationRows
        .filter((r) => r.tenant === tenant && r.functionName === functionName)
        .filter((r) => query.since === undefined || r.startedAt >= query.since)
        .filter((r) => query.outcomes === undefined || query.outcomes.includes(r.outcome))
        .filter(
          (r) => minSeverity === 0 || r.logs.some((line) => logLevelSeverity(line.level) >= minSeverity),
        )
        .reverse()
        .slice(0, query.limit ?? 50)
        .map((r) => structuredClone(r));
    },
    get: async (tenant, functionName, id) => {
      this.#function(tenant, functionName);
      const record = this.invocationRows.find(
        (r) => r.id === id && r.tenant === tenant && r.functionName === functionName,
      );
      return record === undefined ? undefined : structuredClone(record);
    },
    prune: async (keep) => {
      const seen = new Map<string, number>();
      const kept: InvocationRecord[] = [];
      for (const record of [...this.invocationRows].reverse()) {
        const key = `${record.tenant}/${record.functionName}`;
        const count = (seen.get(key) ?? 0) + 1;
        seen.set(key, count);
        if (count <= keep) kept.push(record);
      }
      const removed = this.invocationRows.length - kept.length;
      this.invocationRows = kept.reverse();
      return removed;
    },
  };

  async close(): Promise<void> {
    this.closed = true;
  }

  #tenant(name: string): Tenant {
    const tenant = this.tenantRows.get(name);
    if (tenant === undefined) throw new SkiffError("TENANT_NOT_FOUND", `tenant "${name}" does not exist`);
    return tenant;
  }

  /** What the SQLite backend checks before a deploy or a secret write. */
  #checkSecrets(
    stored: StoredFunction | undefined,
    secrets: Record<string, string>,
    vars: Record<string, unknown>,
  ): void {
    const names = Object.keys(secrets);
    for (const name of names) {
      assertValidSecretName(name);
      assertValidSecretValue(name, secrets[name] as string);
    }
    const existing = [...(stored?.secrets.keys() ?? [])];
    if (new Set([...existing, ...names]).size > LIMITS.envVarCount) {
      throw new SkiffError("INVALID_CONFIG", `at most ${LIMITS.envVarCount} secrets per function`);
    }
    assertNoVarSecretClash(vars, [...existing, ...names]);
  }

  #putSecret(stored: StoredFunction, name: string, value: string, now: number): SecretRecord {
    const createdAt = stored.secrets.get(name)?.createdAt ?? now;
    stored.secrets.set(name, { name, value, createdAt, updatedAt: now });
    return { name, createdAt, updatedAt: now };
  }

  #reveal(stored: StoredFunction): Record<string, string> {
    return Object.fromEntries([...stored.secrets.values()].map((s) => [s.name, s.value]));
  }

  #function(tenant: string, name: string): StoredFunction {
    this.#tenant(tenant);
    const stored = this.functionRows.get(`${tenant}/${name}`);
    if (stored === undefined) throw new SkiffError("FUNCTION_NOT_FOUND", `function "${name}" does not exist`);
    return stored;
  }
}

function unsupported<T extends object>(name: string): T {
  return new Proxy({} as T, {
    get: (_, method) => () => {
      throw new Error(`FakeStorage.${name}.${String(method)} is not faked: test this against real SQLite`);
    },
  });
}
