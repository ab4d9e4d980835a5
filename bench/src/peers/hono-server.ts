// Peer: hello world and JSON echo on Hono with @hono/node-server, the stack Skiff's gateway is built on: the
// ceiling for Skiff's own throughput.
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { HELLO_TEXT } from "./hello-text.js";

const app = new Hono();
app.get("/hello", (c) => c.text(HELLO_TEXT, 200, { "content-type": "text/plain; charset=utf-8" }));
app.post("/echo", async (c) => c.json(await c.req.json()));

const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => {
  process.stdout.write(`{"port":${info.port}}\n`);
});
process.once("SIGTERM", () => server.close(() => process.exit(0)));
