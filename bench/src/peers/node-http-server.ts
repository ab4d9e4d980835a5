// Peer: the bare node:http hello world and JSON echo, the floor any Node server stands on.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { HELLO_TEXT } from "./hello-text.js";

async function echo(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    response.writeHead(400, { "content-type": "text/plain; charset=utf-8" }).end("invalid JSON\n");
    return;
  }
  response.writeHead(200, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(value));
}

const server = createServer((request, response) => {
  if (request.url === "/hello") {
    response.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).end(HELLO_TEXT);
  } else if (request.url === "/echo" && request.method === "POST") {
    echo(request, response).catch(() => response.destroy());
  } else {
    response.writeHead(404).end();
  }
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  if (address !== null && typeof address === "object") process.stdout.write(`{"port":${address.port}}\n`);
});
process.once("SIGTERM", () => server.close(() => process.exit(0)));
