// The dashboard reads through the admin API itself, in-process: the same routes, key rules and errors as any
// client, so what a key may see on a page is exactly what it may read with curl.

/** What can answer admin API requests: the gateway's own Hono app. */
export interface AdminApiFetch {
  fetch(request: Request): Response | Promise<Response>;
}

/** An admin API answer other than 2xx, with the code and message of its DESIGN §5 error body. */
export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "AdminApiError";
  }
}

/** A part of a page loaded on its own: when it fails the rest of the page still shows, with this message. */
export type Section<T> = { ok: true; value: T } | { ok: false; status: number; message: string };

export interface AdminApiClientOptions {
  api: AdminApiFetch;
  /** The origin the dashboard was reached on; the admin API is asked on the same one. */
  origin: string;
  key: string;
}

/**
 * @example
 * const client = new AdminApiClient({ api: gateway.app, origin: "http://127.0.0.1:8787", key });
 * const { functions } = await client.get<{ functions: FunctionRecord[] }>("/tenants/default/functions");
 */
export class AdminApiClient {
  readonly #options: AdminApiClientOptions;

  constructor(options: AdminApiClientOptions) {
    this.#options = options;
  }

  /** GET `/api/v1${path}` parsed from JSON; throws AdminApiError for any other status than 2xx. */
  async get<T>(path: string): Promise<T> {
    const request = new Request(new URL(`/api/v1${path}`, this.#options.origin), {
      headers: { authorization: `Bearer ${this.#options.key}`, accept: "application/json" },
    });
    const response = await this.#options.api.fetch(request);
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
      throw new AdminApiError(
        response.status,
        typeof error?.code === "string" ? error.code : "UNKNOWN",
        typeof error?.message === "string" ? error.message : `the admin API answered ${response.status}`,
      );
    }
    return body as T;
  }

  /**
   * Like `get`, but a failure comes back as a value for the page to show in place. A 401 is still thrown: the
   * key was revoked, and the whole session ends.
   */
  async section<T>(path: string): Promise<Section<T>> {
    try {
      return { ok: true, value: await this.get<T>(path) };
    } catch (error) {
      if (error instanceof AdminApiError && error.status !== 401) {
        return { ok: false, status: error.status, message: error.message };
      }
      throw error;
    }
  }
}
