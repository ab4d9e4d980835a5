// `env.AUTH` for a service binding: a Workers `Fetcher` whose `fetch` runs another function of the same tenant.
// The request crosses to the host as plain data (method, URL, header pairs, body bytes), the shape outbound fetch
// uses; the host invokes the target directly and the answer comes back as an immutable Response. Redirects are
// the target's answer, never followed: nothing here goes over the network.
import { readBody } from "../fetch/body.js";
import { responseOf, toPlainResponse, untilAborted } from "../fetch/fetch.js";
import { headerList } from "../fetch/headers.js";
import { Request, type RequestInit } from "../fetch/request.js";
import type { Response } from "../fetch/response.js";
import { callBinding } from "./call.js";

export class Fetcher {
  readonly #name: string;

  constructor(name: string) {
    this.#name = name;
  }

  async fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const request = new Request(input, init);
    const signal = init?.signal ?? (input instanceof Request ? input.signal : null);
    signal?.throwIfAborted();
    const plain = {
      url: request.url,
      method: request.method,
      headers: headerList(request.headers),
      body: await untilAborted(readBody(request), signal),
    };
    const answer = toPlainResponse(await untilAborted(callBinding(this.#name, "fetch", plain), signal));
    return responseOf(answer, request.method);
  }
}
