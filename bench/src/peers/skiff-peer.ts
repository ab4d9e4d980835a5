// Peer: Skiff serving the hello world and the JSON echo through the gateway and isolates.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { EXAMPLES_DIR, MODULES_DIR } from "../paths.js";
import type { Peer } from "./peer.js";
import { type SkiffServer, startSkiff } from "./skiff-server.js";

export async function helloModule(): Promise<string> {
  return readFile(join(EXAMPLES_DIR, "hello.js"), "utf8");
}

export async function echoModule(): Promise<string> {
  return readFile(join(MODULES_DIR, "echo-json.js"), "utf8");
}

/** A fresh Skiff with `hello` and `echo` deployed with their default config. */
export async function startSkiffPeer(env?: Record<string, string>): Promise<Peer & { server: SkiffServer }> {
  const server = await startSkiff(env === undefined ? {} : { env });
  try {
    await server.admin.deploy("hello", await helloModule());
    await server.admin.deploy("echo", await echoModule());
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    name: "skiff",
    label: "Skiff",
    helloUrl: server.admin.functionUrl("hello"),
    echoUrl: server.admin.functionUrl("echo"),
    pid: server.pid,
    server,
    stop: () => server.stop(),
  };
}
