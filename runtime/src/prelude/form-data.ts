// FormData (XMLHttpRequest standard): an ordered list of name/value entries, values strings or Files.
import { Blob, File } from "./blob.js";

export type FormDataEntryValue = string | File;
type Entry = [name: string, value: FormDataEntryValue];

/** The standard's "create an entry": strings stay strings, blobs become Files named "blob" or `filename`. */
function createEntry(name: unknown, value: unknown, filename: unknown, argumentCount: number): Entry {
  if (!(value instanceof Blob)) {
    if (argumentCount > 2) throw new TypeError("FormData: a filename is only allowed with a Blob value");
    return [String(name), String(value)];
  }
  if (value instanceof File && filename === undefined) return [String(name), value];
  const file = new File([value], filename === undefined ? "blob" : String(filename), {
    type: value.type,
    ...(value instanceof File ? { lastModified: value.lastModified } : {}),
  });
  return [String(name), file];
}

export class FormData {
  #entries: Entry[] = [];

  constructor(form?: unknown) {
    if (form !== undefined) throw new TypeError("FormData: there are no HTML forms here");
  }

  append(...args: [name: string, value: string | Blob, filename?: string]): void {
    if (args.length < 2) throw new TypeError("FormData.append: 2 arguments required");
    this.#entries.push(createEntry(args[0], args[1], args[2], args.length));
  }

  set(...args: [name: string, value: string | Blob, filename?: string]): void {
    if (args.length < 2) throw new TypeError("FormData.set: 2 arguments required");
    const entry = createEntry(args[0], args[1], args[2], args.length);
    const index = this.#entries.findIndex(([n]) => n === entry[0]);
    if (index === -1) {
      this.#entries.push(entry);
      return;
    }
    this.#entries[index] = entry;
    this.#entries = this.#entries.filter(([n], i) => n !== entry[0] || i <= index);
  }

  delete(name: string): void {
    const key = String(name);
    this.#entries = this.#entries.filter(([n]) => n !== key);
  }

  get(name: string): FormDataEntryValue | null {
    const key = String(name);
    return this.#entries.find(([n]) => n === key)?.[1] ?? null;
  }

  getAll(name: string): FormDataEntryValue[] {
    const key = String(name);
    return this.#entries.filter(([n]) => n === key).map(([, v]) => v);
  }

  has(name: string): boolean {
    const key = String(name);
    return this.#entries.some(([n]) => n === key);
  }

  forEach(
    callback: (value: FormDataEntryValue, name: string, parent: FormData) => void,
    thisArg?: unknown,
  ): void {
    if (typeof callback !== "function")
      throw new TypeError("FormData.forEach: the callback must be a function");
    for (let i = 0; i < this.#entries.length; i++) {
      const [name, value] = this.#entries[i] as Entry;
      callback.call(thisArg, value, name, this);
    }
  }

  *#iterate<T>(pick: (entry: Entry) => T): Generator<T, undefined, undefined> {
    for (let i = 0; i < this.#entries.length; i++) {
      const [name, value] = this.#entries[i] as Entry;
      yield pick([name, value]);
    }
    return undefined;
  }

  entries(): IterableIterator<[string, FormDataEntryValue]> {
    return this.#iterate((entry) => entry);
  }

  keys(): IterableIterator<string> {
    return this.#iterate(([name]) => name);
  }

  values(): IterableIterator<FormDataEntryValue> {
    return this.#iterate(([, value]) => value);
  }

  [Symbol.iterator](): IterableIterator<[string, FormDataEntryValue]> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return "FormData";
  }
}
