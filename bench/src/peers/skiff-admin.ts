// The parts of Skiff's admin API (DESIGN §8) the benchmarks use, over real HTTP, as the default tenant.
import { request } from "undici";

export interface FunctionConfig {
  concurrency?: number;
  timeoutMs?: number;
  triggers?: { crons: string[] };
}

/** The fields of an invocation record (GET …/invocations) the benchmarks read. */
export interface InvocationSummary {
  id: string;
  trigger: string;
  startedAt: number;
  outcome: string;
  cold: boolean;
  cpuMs: number;
  wallMs: number;
}

/** The fields of a cron run (GET …/triggers/runs) the benchmarks read. */
export interface TriggerRunSummary {
  scheduledTime: number;
  startedAt: number | null;
  manual: boolean;
  outcome: string | null;
}

const TENANT = "/api/v1/tenants/default";

export class SkiffAdmin {
  constructor(
    readonly url: string,
    readonly key: string,
  ) {}

  async #call(
    method: string,
    path: string,
    body?: unknown,
    key = this.key,
  ): Promise<{ status: number; json: unknown }> {
    const answer = await request(`${this.url}${path}`, {
      method: method as "GET",
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await answer.body.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: answer.statusCode, json };
  }

  /** Deploys one module as a function's new version; throws unless Skiff accepted it. */
  async deploy(name: string, code: string, config?: FunctionConfig): Promise<void> {
    const answer = await this.#call(
      "PUT",
      `${TENANT}/functions/${name}`,
      config ? { code, config } : { code },
    );
    if (answer.status !== 201) {
      throw new Error(`deploying ${name} answered ${answer.status}: ${JSON.stringify(answer.json)}`);
    }
  }

  /**
   * Raises the default tenant's function quota, with the operator's key (quotas are the operator's): the memory
   * scenario deploys more functions than a tenant may keep by default (`maxFunctions` 1 000).
   */
  async allowFunctions(maxFunctions: number, operatorKey: string): Promise<void> {
    const answer = await this.#call("PUT", `${TENANT}/quotas`, { maxFunctions }, operatorKey);
    if (answer.status !== 200) {
      throw new Error(`raising maxFunctions answered ${answer.status}: ${JSON.stringify(answer.json)}`);
    }
  }

  /** The most recent invocation records of a function (at most 1000, newest first). */
  async invocations(name: string, limit = 1000): Promise<InvocationSummary[]> {
    const answer = await this.#call("GET", `${TENANT}/functions/${name}/invocations?limit=${limit}`);
    const list = (answer.json as { invocations?: unknown }).invocations;
    if (answer.status !== 200 || !Array.isArray(list)) {
      throw new Error(`invocations of ${name} answered ${answer.status}`);
    }
    return list as InvocationSummary[];
  }

  async triggerRuns(name: string, limit = 1000): Promise<TriggerRunSummary[]> {
    const answer = await this.#call("GET", `${TENANT}/functions/${name}/triggers/runs?limit=${limit}`);
    const list = (answer.json as { runs?: unknown }).runs;
    if (answer.status !== 200 || !Array.isArray(list)) {
      throw new Error(`trigger runs of ${name} answered ${answer.status}`);
    }
    return list as TriggerRunSummary[];
  }

  /** The data-plane URL of a function. */
  functionUrl(name: string, path = ""): string {
    return `${this.url}/fn/default/${name}${path}`;
  }

  /** The path of a function's async invoke, relative to the server. */
  asyncInvokePath(name: string): string {
    return `${TENANT}/functions/${name}/invoke?async=1`;
  }
}
