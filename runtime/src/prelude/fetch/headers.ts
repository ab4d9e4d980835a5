// The Fetch standard's Headers: validated names and values, case-insensitive lookup, and iteration in the
// standard's "sort and combine" order (Set-Cookie values kept apart).
import { ArrayPrototypeSort, append } from "../intrinsics.js";

export type HeadersInit = Headers | Iterable<Iterable<string>> | Record<string, string>;
export type HeadersGuard = "none" | "immutable";

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HTTP_WHITESPACE_EDGES = /^[\t\n\r ]+|[\t\n\r ]+$/g;
const INVALID_VALUE = /[\0\r\n]/;
// ByteString: every code unit fits in a byte.
const NOT_BYTE_STRING = /[^\0-\xff]/;

function normalizeName(name: unknown): string {
  const text = String(name);
  if (!TOKEN.test(text)) throw new TypeError(`Invalid header name: "${text}"`);
  return text.toLowerCase();
}

function normalizeValue(value: unknown): string {
  const text = String(value).replace(HTTP_WHITESPACE_EDGES, "");
  if (INVALID_VALUE.test(text) || NOT_BYTE_STRING.test(text)) {
    throw new TypeError(`Invalid header value: "${text}"`);
  }
  return text;
}

/** Makes `headers` read-only (the guard of a fetched response or of an error response). */
export let setHeadersGuard: (headers: Headers, guard: HeadersGuard) => void;
/** The header list in insertion order, names lowercased: what crosses to the host. */
export let headerList: (headers: Headers) => Array<[string, string]>;
/**
 * The sorted and combined list that iteration gives (`set-cookie` values apart), built with built-ins taken
 * before tenant code ran: the prelude hands a handler's response headers to the host with it.
 */
export let combinedHeaderList: (headers: Headers) => Array<[string, string]>;

export class Headers {
  /** The header list: lowercase name and value, in insertion order. */
  #list: Array<[string, string]> = [];
  #guard: HeadersGuard = "none";
  /** The sorted and combined view, rebuilt after a change. */
  #sorted: Array<[string, string]> | null = null;

  constructor(init?: HeadersInit) {
    if (init === undefined || init === null) return;
    if (init instanceof Headers) {
      this.#list = init.#list.map(([name, value]) => [name, value]);
      return;
    }
    if (typeof init !== "object" && typeof init !== "function") {
      throw new TypeError("Headers: init must be an object, an iterable of pairs or a Headers");
    }
    const iterator = (init as Partial<Iterable<unknown>>)[Symbol.iterator];
    if (iterator !== undefined && iterator !== null) {
      if (typeof iterator !== "function") throw new TypeError("Headers: init is not iterable");
      for (const pair of init as Iterable<Iterable<string>>) {
        if (typeof pair !== "object" || pair === null || typeof pair[Symbol.iterator] !== "function") {
          throw new TypeError("Headers: each header must be a [name, value] pair");
        }
        const items = Array.from(pair);
        if (items.length !== 2) throw new TypeError("Headers: each header must be a [name, value] pair");
        this.append(items[0] as string, items[1] as string);
      }
      return;
    }
    for (const key of Reflect.ownKeys(init)) {
      const descriptor = Reflect.getOwnPropertyDescriptor(init, key);
      if (descriptor?.enumerable !== true) continue;
      if (typeof key === "symbol") throw new TypeError("Headers: header names must be strings");
      this.append(key, (init as Record<string, string>)[key] as string);
    }
  }

  static {
    setHeadersGuard = (headers, guard) => {
      headers.#guard = guard;
    };
    headerList = (headers) => headers.#list.map(([name, value]) => [name, value]);
    combinedHeaderList = (headers) => {
      const list = headers.#list;
      const pairs: Array<[string, string]> = [];
      for (let i = 0; i < list.length; i++) {
        const pair = list[i] as [string, string];
        append(pairs, [pair[0], pair[1]]);
      }
      // Stable: the values of one name keep their order.
      ArrayPrototypeSort(pairs, (a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      const combined: Array<[string, string]> = [];
      for (let i = 0; i < pairs.length; i++) {
        const pair = pairs[i] as [string, string];
        const last = combined[combined.length - 1];
        if (last !== undefined && last[0] === pair[0] && pair[0] !== "set-cookie")
          last[1] = `${last[1]}, ${pair[1]}`;
        else append(combined, pair);
      }
      return combined;
    };
  }

  #checkMutable(): void {
    if (this.#guard === "immutable") throw new TypeError("Can't modify immutable headers");
  }

  append(name: string, value: string): void {
    const key = normalizeName(name);
    const normalized = normalizeValue(value);
    this.#checkMutable();
    this.#list.push([key, normalized]);
    this.#sorted = null;
  }

  delete(name: string): void {
    const key = normalizeName(name);
    this.#checkMutable();
    this.#list = this.#list.filter(([n]) => n !== key);
    this.#sorted = null;
  }

  get(name: string): string | null {
    const key = normalizeName(name);
    const values = this.#list.filter(([n]) => n === key).map(([, v]) => v);
    return values.length === 0 ? null : values.join(", ");
  }

  getSetCookie(): string[] {
    return this.#list.filter(([n]) => n === "set-cookie").map(([, v]) => v);
  }

  has(name: string): boolean {
    const key = normalizeName(name);
    return this.#list.some(([n]) => n === key);
  }

  set(name: string, value: string): void {
    const key = normalizeName(name);
    const normalized = normalizeValue(value);
    this.#checkMutable();
    const index = this.#list.findIndex(([n]) => n === key);
    if (index === -1) {
      this.#list.push([key, normalized]);
    } else {
      this.#list[index] = [key, normalized];
      this.#list = this.#list.filter(([n], i) => n !== key || i <= index);
    }
    this.#sorted = null;
  }

  #sortedAndCombined(): Array<[string, string]> {
    if (this.#sorted !== null) return this.#sorted;
    const names = [...new Set(this.#list.map(([n]) => n))].sort();
    const out: Array<[string, string]> = [];
    for (const name of names) {
      if (name === "set-cookie") {
        for (const value of this.getSetCookie()) out.push([name, value]);
      } else {
        out.push([name, this.get(name) as string]);
      }
    }
    this.#sorted = out;
    return out;
  }

  forEach(callback: (value: string, name: string, headers: Headers) => void, thisArg?: unknown): void {
    if (typeof callback !== "function")
      throw new TypeError("Headers.forEach: the callback must be a function");
    // Live like the standard's iteration: a change made by the callback is seen by later steps.
    for (let i = 0; i < this.#sortedAndCombined().length; i++) {
      const [name, value] = this.#sortedAndCombined()[i] as [string, string];
      callback.call(thisArg, value, name, this);
    }
  }

  *#iterate<T>(pick: (pair: [string, string]) => T): Generator<T, undefined, undefined> {
    for (let i = 0; i < this.#sortedAndCombined().length; i++) {
      const pair = this.#sortedAndCombined()[i] as [string, string];
      yield pick([pair[0], pair[1]]);
    }
    return undefined;
  }

  entries(): IterableIterator<[string, string]> {
    return this.#iterate((pair) => pair);
  }

  keys(): IterableIterator<string> {
    return this.#iterate(([name]) => name);
  }

  values(): IterableIterator<string> {
    return this.#iterate(([, value]) => value);
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return "Headers";
  }
}
