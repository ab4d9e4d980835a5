// Dashboard sessions: an opaque id in an HttpOnly cookie stands for an API key held only in this process.
import { randomBytes } from "node:crypto";

/** Who a session acts as, for the page header and the first page after login. */
export type SessionPrincipal = { kind: "operator" } | { kind: "tenant"; tenant: string; role: string };

export interface DashboardSession {
  id: string;
  /** The API key given at login; the pages call the admin API with it, so its rules apply unchanged. */
  key: string;
  principal: SessionPrincipal;
  createdAt: number;
  lastSeenAt: number;
}

export interface SessionStoreOptions {
  now: () => number;
  /** A session unused this long ends. Default 1 hour. */
  idleMs?: number;
  /** A session ends this long after login however much it is used. Default 12 hours. */
  maxAgeMs?: number;
  /** Sessions kept at most; past it the least recently used ends. Default 1000. */
  capacity?: number;
}

export const SESSION_IDLE_MS = 60 * 60_000;
export const SESSION_MAX_AGE_MS = 12 * 60 * 60_000;
const SESSION_CAPACITY = 1_000;

/**
 * Sessions in memory: a restart ends them all (people log in again), and nothing of a key is ever written to
 * disk or sent back to the browser.
 *
 * @example
 * const sessions = new SessionStore({ now: Date.now });
 * const { id } = sessions.create(key, { kind: "operator" });  // id goes into the cookie
 * sessions.get(id)?.key;                                       // on each page
 */
export class SessionStore {
  readonly #sessions = new Map<string, DashboardSession>();
  readonly #now: () => number;
  readonly #idleMs: number;
  readonly #maxAgeMs: number;
  readonly #capacity: number;

  constructor(options: SessionStoreOptions) {
    this.#now = options.now;
    this.#idleMs = options.idleMs ?? SESSION_IDLE_MS;
    this.#maxAgeMs = options.maxAgeMs ?? SESSION_MAX_AGE_MS;
    this.#capacity = options.capacity ?? SESSION_CAPACITY;
  }

  get size(): number {
    return this.#sessions.size;
  }

  create(key: string, principal: SessionPrincipal): DashboardSession {
    const now = this.#now();
    // 256 random bits: guessing a live session is as hopeless as guessing a key.
    const session: DashboardSession = {
      id: randomBytes(32).toString("base64url"),
      key,
      principal,
      createdAt: now,
      lastSeenAt: now,
    };
    this.#sessions.set(session.id, session);
    while (this.#sessions.size > this.#capacity) {
      const oldest = this.#sessions.keys().next().value;
      if (oldest === undefined) break;
      this.#sessions.delete(oldest);
    }
    return session;
  }

  /** The live session with this id, marked as used now; undefined (and forgotten) once it has expired. */
  get(id: string | undefined): DashboardSession | undefined {
    if (id === undefined) return undefined;
    const session = this.#sessions.get(id);
    if (session === undefined) return undefined;
    const now = this.#now();
    if (now - session.lastSeenAt > this.#idleMs || now - session.createdAt > this.#maxAgeMs) {
      this.#sessions.delete(id);
      return undefined;
    }
    session.lastSeenAt = now;
    // Re-inserted so the map's order stays least recently used first, which is what the capacity drops.
    this.#sessions.delete(id);
    this.#sessions.set(id, session);
    return session;
  }

  delete(id: string | undefined): void {
    if (id !== undefined) this.#sessions.delete(id);
  }
}
