// The Fetch standard's Headers: validated names and values, case-insensitive lookup, and iteration in the
// standard's "sort and combine" order (Set-Cookie values kept apart).
import {
  ArrayIsArray,
  ArrayPrototypeSort,
  append,
  list,
  ObjectPrototypePropertyIsEnumerable,
  ReflectOwnKeys,
  StringPrototypeCharCodeAt,
} from "../intrinsics.js";

export type HeadersInit = Headers | Iterable<Iterable<string>> | Record<string, string>;
export type HeadersGuard = "none" | "immutable";

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HTTP_WHITESPACE_EDGES = /^[\t\n\r ]+|[\t\n\r ]+$/g;
const INVALID_VALUE = /[\0\r\n]/;
// ByteString: every code unit fits in a byte.
const NOT_BYTE_STRING = /[^\0-\xff]/;

/** 1 for the characters of a token that need no lowercasing (a module-private table: tenant code cannot reach it). */
const LOWER_TOKEN_CHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz") LOWER_TOKEN_CHAR[c.charCodeAt(0)] = 1;

/**
 * True for a name `normalizeName` returns unchanged: a token already in lowercase, as nearly every name is (the
 * host sends them so). One pass over the characters instead of a regular expression and `toLowerCase`, with
 * the `charCodeAt` taken before tenant code ran (the host's headers must not depend on what a tenant replaced).
 */
function isLowercaseToken(text: string): boolean {
  const length = text.length;
  if (length === 0) return false;
  for (let i = 0; i < length; i++) {
    const code = StringPrototypeCharCodeAt(text, i);
    if (code >= 128 || LOWER_TOKEN_CHAR[code] === 0) return false;
  }
  return true;
}

function isHttpWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/**
 * True for a value `normalizeValue` returns unchanged: no whitespace at either edge, no NUL, CR or LF, every
 * code unit a byte. One pass instead of three regular expressions.
 */
function isNormalValue(text: string): boolean {
  const length = text.length;
  if (length === 0) return true;
  if (
    isHttpWhitespace(StringPrototypeCharCodeAt(text, 0)) ||
    isHttpWhitespace(StringPrototypeCharCodeAt(text, length - 1))
  )
    return false;
  for (let i = 0; i < length; i++) {
    const code = StringPrototypeCharCodeAt(text, i);
    if (code === 0 || code === 0x0a || code === 0x0d || code > 0xff) return false;
  }
  return true;
}

function normalizeName(name: unknown): string {
  const text = String(name);
  if (isLowercaseToken(text)) return text;
  if (!TOKEN.test(text)) throw new TypeError(`Invalid header name: "${text}"`);
  return text.toLowerCase();
}

function normalizeValue(value: unknown): string {
  const given = String(value);
  if (isNormalValue(given)) return given;
  const text = given.replace(HTTP_WHITESPACE_EDGES, "");
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
/**
 * The Headers of an incoming request, from the host's list of [name, value] pairs. The host sends names in
 * lowercase and values already valid, so each pair is only checked (one pass over its characters, no iterator
 * protocol, which tenant code may have replaced on Array.prototype: the host's list is data) and taken as is, without
 * a copy; a list with anything else goes through `new Headers(list)`, which normalizes it or throws exactly as for
 * any other init.
 */
export let headersFromHostList: (list: unknown) => Headers;

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
    // A record: each own enumerable key in order. `propertyIsEnumerable` asks for the same own property as
    // `getOwnPropertyDescriptor` (the same proxy trap) without making a descriptor object.
    const keys = ReflectOwnKeys(init);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string | symbol;
      if (!ObjectPrototypePropertyIsEnumerable(init, key)) continue;
      if (typeof key === "symbol") throw new TypeError("Headers: header names must be strings");
      this.append(key, (init as Record<string, string>)[key] as string);
    }
  }

  static {
    headersFromHostList = (hostList) => {
      if (!ArrayIsArray(hostList)) return new Headers(hostList as HeadersInit);
      const length = hostList.length;
      for (let i = 0; i < length; i++) {
        const pair: unknown = hostList[i];
        if (!ArrayIsArray(pair) || pair.length !== 2) return new Headers(hostList as HeadersInit);
        const name: unknown = pair[0];
        const value: unknown = pair[1];
        if (
          typeof name !== "string" ||
          typeof value !== "string" ||
          !isLowercaseToken(name) ||
          !isNormalValue(value)
        )
          return new Headers(hostList as HeadersInit);
      }
      // The host's list is this invocation's own copy, which nothing else holds: it becomes the header list as
      // it is (pairs in the list are never changed in place: `set` and `delete` replace them).
      const headers = new Headers();
      headers.#list = hostList as Array<[string, string]>;
      return headers;
    };
    setHeadersGuard = (headers, guard) => {
      headers.#guard = guard;
    };
    headerList = (headers) => headers.#list.map(([name, value]) => [name, value]);
    combinedHeaderList = (headers) => {
      const own = headers.#list;
      // Lists without a prototype: cheap appends, and no index getter or setter tenant code added to the
      // prototypes is in the way.
      const pairs: Array<[string, string]> = list();
      let ascending = true;
      for (let i = 0; i < own.length; i++) {
        const pair = own[i] as [string, string];
        if (i > 0 && (own[i - 1] as [string, string])[0] >= pair[0]) ascending = false;
        append(pairs, [pair[0], pair[1]]);
      }
      // Names already in strictly ascending order (a handler's one or two headers, usually) have nothing to sort
      // or combine.
      if (ascending) return pairs;
      // Stable: the values of one name keep their order.
      ArrayPrototypeSort(pairs, (a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      const combined: Array<[string, string]> = list();
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
