// The Fetch standard's body mixin over bytes: what Request and Response share.

export type BodyInit = string | ArrayBuffer | ArrayBufferView | URLSearchParams | null | undefined;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Extracts bytes and the implied Content-Type from a body init value (Fetch "extract a body"). */
export function extractBody(init: BodyInit): { bytes: Uint8Array | null; contentType: string | null } {
  if (init === null || init === undefined) return { bytes: null, contentType: null };
  if (typeof init === "string")
    return { bytes: encoder.encode(init), contentType: "text/plain;charset=UTF-8" };
  if (init instanceof ArrayBuffer) return { bytes: new Uint8Array(init.slice(0)), contentType: null };
  if (ArrayBuffer.isView(init)) {
    const view = new Uint8Array(init.buffer, init.byteOffset, init.byteLength);
    return { bytes: view.slice(), contentType: null };
  }
  if (init instanceof URLSearchParams) {
    return {
      bytes: encoder.encode(init.toString()),
      contentType: "application/x-www-form-urlencoded;charset=UTF-8",
    };
  }
  return { bytes: encoder.encode(String(init)), contentType: "text/plain;charset=UTF-8" };
}

/** Body state shared by Request and Response; the bytes stay private to the prelude. */
export class Body {
  #bytes: Uint8Array | null;
  #used = false;

  constructor(bytes: Uint8Array | null) {
    this.#bytes = bytes;
  }

  get bodyUsed(): boolean {
    return this.#used;
  }

  /** The body bytes without consuming them; used by the prelude to hand a response to the host. */
  static peek(body: Body): Uint8Array | null {
    return body.#bytes;
  }

  #consume(): Uint8Array {
    if (this.#used) throw new TypeError("Body has already been used");
    this.#used = true;
    return this.#bytes ?? new Uint8Array(0);
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.#consume();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  async bytes(): Promise<Uint8Array> {
    return this.#consume().slice();
  }

  async text(): Promise<string> {
    return decoder.decode(this.#consume());
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
}
