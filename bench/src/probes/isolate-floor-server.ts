// Probe server (not a product): node:http answering the hello world and the JSON echo with one bare isolated-vm
// call per request into a plain function (no prelude, no Request or Response objects, no limits): the floor that
// running handlers in V8 isolates from Node puts under any such design. Started with --no-node-snapshot; prints
// {"port":N}.
import { createServer } from "node:http";
import { Sandbox } from "@skiff/runtime/sandbox";
import { HELLO_TEXT } from "../peers/hello-text.js";
import { readBody } from "./read-body.js";

const MEMORY_MB = 128;

// The runtime's Sandbox only for its isolate: nothing of the prelude is loaded into it.
const context = new Sandbox(MEMORY_MB).isolate.createContextSync();
const handle = context.evalSync(
  `(function handle(method, url, headers, body) {
    if (url === "/hello") return { status: 200, type: "text/plain; charset=utf-8", body: ${JSON.stringify(HELLO_TEXT)} };
    return { status: 200, type: "application/json; charset=utf-8", body: JSON.stringify(JSON.parse(body)) };
  })`,
  { reference: true },
);

const server = createServer((request, response) => {
  if (request.url !== "/hello" && !(request.url === "/echo" && request.method === "POST")) {
    response.writeHead(404).end();
    return;
  }
  const body = request.method === "POST" ? readBody(request).then(String) : Promise.resolve("");
  body
    .then((text) => {
      const answer = handle.applySync(undefined, [request.method, request.url, request.rawHeaders, text], {
        arguments: { copy: true },
        result: { copy: true },
      }) as { status: number; type: string; body: string };
      response.writeHead(answer.status, { "content-type": answer.type }).end(answer.body);
    })
    .catch(() => response.destroy());
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  if (address !== null && typeof address === "object") process.stdout.write(`{"port":${address.port}}\n`);
});
process.once("SIGTERM", () => server.close(() => process.exit(0)));
