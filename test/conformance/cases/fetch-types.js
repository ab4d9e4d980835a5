// Headers, Request and Response (Fetch standard).
import { deepEqual, equal, ok, readAll, rejects, throws, utf8 } from "./assert.js";

export default {
  "Headers are case-insensitive and combine repeated values": () => {
    const headers = new Headers({ "X-A": "1" });
    headers.append("x-a", "2");
    equal(headers.get("X-a"), "1, 2");
    ok(headers.has("x-A"));
    headers.delete("X-A");
    equal(headers.get("x-a"), null);
  },
  "Headers iterate sorted and lowercased, Set-Cookie kept apart": () => {
    const headers = new Headers([
      ["B", "2"],
      ["a", "1"],
      ["Set-Cookie", "x=1"],
      ["set-cookie", "y=2"],
    ]);
    deepEqual(
      [...headers],
      [
        ["a", "1"],
        ["b", "2"],
        ["set-cookie", "x=1"],
        ["set-cookie", "y=2"],
      ],
    );
    deepEqual(headers.getSetCookie(), ["x=1", "y=2"]);
  },
  "Headers trim whitespace and reject invalid names and values": () => {
    equal(new Headers({ a: " \t v \n" }).get("a"), "v");
    throws(() => new Headers({ "bad name": "x" }), "TypeError");
    throws(() => new Headers({ a: "line\nbreak" }), "TypeError");
    throws(() => new Headers([["only-name"]]), "TypeError");
  },
  "Request normalizes the method and resolves nothing relative": () => {
    const request = new Request("https://a.test/p", { method: "post" });
    equal(request.method, "POST");
    equal(new Request("https://a.test/", { method: "patch" }).method, "PATCH");
    equal(new Request("https://a.test/", { method: "custom" }).method, "custom");
    throws(() => new Request("/relative"), "TypeError");
    throws(() => new Request("https://a.test/", { method: "CONNECT" }), "TypeError");
  },
  "Request refuses a body on GET and HEAD": () => {
    throws(() => new Request("https://a.test/", { body: "x" }), "TypeError");
    throws(() => new Request("https://a.test/", { method: "HEAD", body: "x" }), "TypeError");
  },
  "Request sets the Content-Type its body implies": async () => {
    const post = (body) => new Request("https://a.test/", { method: "POST", body });
    equal(post("text").headers.get("content-type"), "text/plain;charset=UTF-8");
    equal(
      post(new URLSearchParams("a=1")).headers.get("content-type"),
      "application/x-www-form-urlencoded;charset=UTF-8",
    );
    equal(post(new Blob(["x"], { type: "image/png" })).headers.get("content-type"), "image/png");
    equal(post(new Uint8Array([1])).headers.get("content-type"), null);
  },
  "Request copies another request and takes over its body": async () => {
    const original = new Request("https://a.test/x", {
      method: "PUT",
      body: "data",
      headers: { a: "1" },
      redirect: "manual",
    });
    const copy = new Request(original, { headers: { b: "2" } });
    deepEqual(
      [copy.url, copy.method, copy.redirect, copy.headers.get("b"), copy.headers.get("a")],
      ["https://a.test/x", "PUT", "manual", "2", null],
    );
    equal(original.bodyUsed, true);
    equal(await copy.text(), "data");
  },
  "Request.clone tees the body and signal follows init.signal": async () => {
    const controller = new AbortController();
    const request = new Request("https://a.test/", { method: "POST", body: "x", signal: controller.signal });
    const clone = request.clone();
    equal(await request.text(), "x");
    equal(await clone.text(), "x");
    equal(request.signal.aborted, false);
    controller.abort("stop");
    equal(request.signal.aborted, true);
    equal(clone.signal.reason, "stop");
  },
  "Response defaults and validates status and statusText": () => {
    const response = new Response();
    deepEqual(
      [response.status, response.statusText, response.ok, response.type, response.body],
      [200, "", true, "default", null],
    );
    throws(() => new Response("", { status: 600 }), "RangeError");
    throws(() => new Response("", { status: 199 }), "RangeError");
    throws(() => new Response("x", { status: 204 }), "TypeError");
    throws(() => new Response("", { statusText: "bad\n" }), "TypeError");
  },
  "Response bodies are read once, in every form": async () => {
    const response = new Response('{"a":[1]}');
    equal(response.bodyUsed, false);
    deepEqual(await response.json(), { a: [1] });
    equal(response.bodyUsed, true);
    await rejects(() => response.text(), "TypeError");
    deepEqual([...(await new Response(utf8("hi")).bytes())], [104, 105]);
    equal((await new Response("abc").arrayBuffer()).byteLength, 3);
    const blob = await new Response("x", { headers: { "content-type": "text/x" } }).blob();
    deepEqual([blob.size, blob.type], [1, "text/x"]);
  },
  "Response.body is a ReadableStream of Uint8Array chunks": async () => {
    const response = new Response("streamed");
    ok(response.body instanceof ReadableStream);
    const chunks = await readAll(response.body);
    ok(chunks.every((chunk) => chunk instanceof Uint8Array));
    equal(new TextDecoder().decode(chunks[0]), "streamed");
    equal(response.bodyUsed, true);
  },
  "Response from a ReadableStream, cloned": async () => {
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(utf8("a"));
        controller.enqueue(utf8("b"));
        controller.close();
      },
    });
    const response = new Response(stream);
    const clone = response.clone();
    deepEqual([await response.text(), await clone.text()], ["ab", "ab"]);
    throws(() => new Response(stream), "TypeError");
  },
  "Response rejects a stream chunk that is not bytes": async () => {
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue("not bytes");
        controller.close();
      },
    });
    await rejects(() => new Response(stream).text(), "TypeError");
  },
  "Response.json, Response.redirect and Response.error": async () => {
    const json = Response.json({ a: 1 }, { status: 201 });
    deepEqual(
      [json.status, json.headers.get("content-type"), await json.text()],
      [201, "application/json", '{"a":1}'],
    );
    const redirect = Response.redirect("https://a.test/next", 307);
    deepEqual([redirect.status, redirect.headers.get("location")], [307, "https://a.test/next"]);
    throws(() => Response.redirect("https://a.test/", 200), "RangeError");
    const error = Response.error();
    deepEqual([error.type, error.status], ["error", 0]);
    throws(() => error.headers.set("a", "b"), "TypeError");
  },
};
