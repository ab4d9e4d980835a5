// What a spare isolate runs once its prelude is in, before any tenant code: the Web APIs nearly every handler
// touches (URL parsing, Headers, Request, Response and reading a body). V8 compiles a function the first time
// it is called, in each isolate; calling these here, while the spare waits, takes that compile off the first
// request's path. Only our own code runs and nothing outlives it but compiled code, so any tenant may get the
// isolate after.

/** An expression evaluating to a promise; run with the context's global `Request`, `Response`, … */
export const WARM_UP_SOURCE = `(async () => {
  const request = new Request("http://warm-up.invalid/path?query=1", {
    method: "POST",
    headers: [["content-type", "application/json"], ["x-warm-up", "1"]],
    body: "{}",
  });
  request.headers.get("content-type");
  new URL(request.url).searchParams.get("query");
  await request.text();
  const response = new Response("warm\\n", { status: 200, headers: { "content-type": "text/plain" } });
  response.headers.get("content-type");
  await response.arrayBuffer();
  new TextDecoder().decode(new TextEncoder().encode(JSON.stringify({ warm: true })));
})()`;
