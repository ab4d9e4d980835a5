// fetch() through the runner's fake host, which answers with what it was sent (see conformance.test.ts).
import { deepEqual, equal, ok, rejects } from "./assert.js";

export default {
  "fetch sends method, headers and body to the host": async () => {
    const response = await fetch("https://echo.test/path?q=1", {
      method: "PUT",
      headers: { "X-One": "1", "content-type": "text/plain" },
      body: "payload",
    });
    deepEqual(
      [response.status, response.ok, response.headers.get("content-type")],
      [200, true, "application/json"],
    );
    deepEqual(await response.json(), {
      url: "https://echo.test/path?q=1",
      method: "PUT",
      headers: [
        ["x-one", "1"],
        ["content-type", "text/plain"],
      ],
      body: "payload",
      redirect: "follow",
    });
  },
  "fetch accepts a Request and a URL object": async () => {
    const request = new Request("https://echo.test/r", {
      method: "POST",
      body: new URLSearchParams({ a: "b" }),
    });
    const echoed = await (await fetch(request)).json();
    deepEqual([echoed.method, echoed.body], ["POST", "a=b"]);
    equal((await (await fetch(new URL("https://echo.test/u"))).json()).url, "https://echo.test/u");
  },
  "fetch reports the final URL after redirects": async () => {
    const response = await fetch("https://redirect.test/start");
    deepEqual([response.redirected, response.url], [true, "https://echo.test/final"]);
  },
  "fetch rejects with a TypeError when the host refuses": async () => {
    const error = await rejects(() => fetch("https://refused.test/"), "TypeError");
    equal(error.message, "refused by the egress policy");
  },
  "fetch rejects with the abort reason": async () => {
    const controller = new AbortController();
    const pending = fetch("https://hang.test/", { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 0));
    controller.abort();
    await rejects(pending, "AbortError");
    await rejects(() => fetch("https://hang.test/", { signal: AbortSignal.timeout(5) }), "TimeoutError");
  },
  "fetch refuses schemes other than http and https": async () => {
    await rejects(() => fetch("ftp://files.test/"), "TypeError");
  },
  "fetch responses have immutable headers and readable streaming bodies": async () => {
    const response = await fetch("https://echo.test/");
    ok(response.body instanceof ReadableStream);
    let threw = false;
    try {
      response.headers.set("x", "y");
    } catch {
      threw = true;
    }
    ok(threw);
    const clone = response.clone();
    equal((await response.json()).url, (await clone.json()).url);
  },
};
