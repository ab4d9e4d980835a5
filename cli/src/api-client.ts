// The Skiff HTTP API as typed calls; commands never build URLs or read HTTP responses themselves.
import type { FunctionConfigInput } from "@skiff/core";
import { Agent, type Dispatcher, request } from "undici";
import { ApiError, ServerUnreachableError } from "./api-error.js";

export interface ClientOptions {
  url: string;
  token?: string | undefined;
  /** Injected in tests; by default the client owns an Agent that `close()` ends. */
  dispatcher?: Dispatcher;
}

/** A module of a `modules` upload: UTF-8 text, or bytes as base64 (the only form for `.wasm`). */
export type DeployModule = string | { base64: string };

/**
 * The body of a deploy: one module as `code` (main `index.js` unless `main` names it), or several as `modules`
 * with `main`; `secrets` are stored with the version and never come back.
 */
export type DeployRequest = (
  | { code: string; main?: string; modules?: never }
  | { modules: Record<string, DeployModule>; main: string; code?: never }
) & {
  config: FunctionConfigInput;
  secrets?: Record<string, string>;
};

export interface DeployResult {
  function: { name: string } & Record<string, unknown>;
  version: { number: number } & Record<string, unknown>;
}

export interface FunctionSummary {
  name: string;
  activeVersion: number | null;
  updatedAt: number | null;
}

export interface InvokeRequest {
  method: string;
  /** Path below the function's mount, with an optional query string. */
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array | undefined;
}

export interface InvokeResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
}

/** The calls commands make; {@link SkiffClient} is the HTTP implementation, tests pass fakes. */
export interface SkiffApi {
  deployFunction(tenant: string, name: string, input: DeployRequest): Promise<DeployResult>;
  listFunctions(tenant: string): Promise<FunctionSummary[]>;
  invoke(tenant: string, name: string, input: InvokeRequest): Promise<InvokeResponse>;
  close(): Promise<void>;
}

/**
 * @example
 * const client = new SkiffClient({ url: "http://127.0.0.1:8787", token });
 * const { version } = await client.deployFunction("default", "hello", { code, config: {} });
 * await client.close();
 */
export class SkiffClient implements SkiffApi {
  readonly #base: URL;
  readonly #token: string | undefined;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;

  constructor(options: ClientOptions) {
    this.#base = new URL(options.url);
    this.#token = options.token;
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.#dispatcher = options.dispatcher ?? new Agent();
  }

  /** Deploys a new version of a function and makes it active. */
  async deployFunction(tenant: string, name: string, input: DeployRequest): Promise<DeployResult> {
    const body = await this.#api("PUT", `/api/v1/tenants/${seg(tenant)}/functions/${seg(name)}`, input);
    if (!isRecord(body) || !isRecord(body.version) || typeof body.version.number !== "number") {
      throw new ApiError(200, "INVALID_ANSWER", "the server's deploy answer has no version number");
    }
    return body as unknown as DeployResult;
  }

  /** The tenant's functions, each with its active version. */
  async listFunctions(tenant: string): Promise<FunctionSummary[]> {
    const body = await this.#api("GET", `/api/v1/tenants/${seg(tenant)}/functions`);
    const list = Array.isArray(body) ? body : isRecord(body) ? body.functions : undefined;
    if (!Array.isArray(list)) {
      throw new ApiError(200, "INVALID_ANSWER", "the server's function list is not a list");
    }
    return list.filter(isRecord).map((item) => ({
      name: String(item.name),
      activeVersion: typeof item.activeVersion === "number" ? item.activeVersion : null,
      updatedAt: typeof item.updatedAt === "number" ? item.updatedAt : null,
    }));
  }

  /** Calls a function over the data plane and returns its answer as is, whatever the status. */
  async invoke(tenant: string, name: string, input: InvokeRequest): Promise<InvokeResponse> {
    const below = input.path.startsWith("/") ? input.path : `/${input.path}`;
    const answer = await this.#send(input.method, `/fn/${seg(tenant)}/${seg(name)}${below}`, {
      headers: input.headers,
      body: input.body,
    });
    return {
      status: answer.statusCode,
      headers: answer.headers,
      body: new Uint8Array(await answer.body.arrayBuffer()),
    };
  }

  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  /** An admin API call: JSON in, JSON out, non-2xx thrown as ApiError. */
  async #api(method: string, path: string, json?: unknown): Promise<unknown> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (this.#token !== undefined) headers.authorization = `Bearer ${this.#token}`;
    if (json !== undefined) headers["content-type"] = "application/json";
    const answer = await this.#send(method, path, {
      headers,
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    const text = await answer.body.text();
    const parsed = parseJson(text);
    if (answer.statusCode >= 200 && answer.statusCode < 300) {
      if (parsed === undefined && text !== "") {
        throw new ApiError(
          answer.statusCode,
          "INVALID_ANSWER",
          "the server answered with something other than JSON",
        );
      }
      return parsed;
    }
    throw toApiError(answer.statusCode, parsed, text);
  }

  async #send(
    method: string,
    path: string,
    init: { headers: Record<string, string>; body: string | Uint8Array | undefined },
  ): Promise<Dispatcher.ResponseData> {
    const url = this.#url(path);
    try {
      return await request(url, {
        method: method as Dispatcher.HttpMethod,
        headers: init.headers,
        body: init.body ?? null,
        dispatcher: this.#dispatcher,
      });
    } catch (error) {
      // A bad argument is our bug, not a network failure: let it surface as it is.
      if ((error as { code?: unknown }).code === "UND_ERR_INVALID_ARG") throw error;
      throw new ServerUnreachableError(this.#base.origin, error);
    }
  }

  /** Joins onto the base URL's path so a server mounted below a prefix works too. */
  #url(path: string): URL {
    const prefix = this.#base.pathname.replace(/\/+$/, "");
    return new URL(`${prefix}${path}`, this.#base.origin);
  }
}

function seg(value: string): string {
  return encodeURIComponent(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function toApiError(status: number, parsed: unknown, text: string): ApiError {
  if (isRecord(parsed) && isRecord(parsed.error) && typeof parsed.error.message === "string") {
    const code = typeof parsed.error.code === "string" ? parsed.error.code : `HTTP_${status}`;
    return new ApiError(status, code, parsed.error.message);
  }
  const snippet = text.trim().slice(0, 200);
  return new ApiError(status, `HTTP_${status}`, snippet || `the server answered HTTP ${status}`);
}
