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

/** A fresh Skiff with `hello` and `echo` deployed with their default config, loaded through the gateway's port. */
export async function startSkiffPeer(env?: Record<string, string>): Promise<Peer & { server: SkiffServer }> {
  const server = await deployedSkiff(env);
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

/**
 * The same, loaded through the direct data plane (SKIFF_DATA_PLANE_PORT): the runtime workers answer the
 * connections themselves, and the functions are deployed through the main port as before.
 */
export async function startSkiffDirectPeer(
  env?: Record<string, string>,
): Promise<Peer & { server: SkiffServer }> {
  const server = await deployedSkiff({ ...env, SKIFF_DATA_PLANE_PORT: "0" });
  const { dataPlaneUrl } = server;
  if (dataPlaneUrl === undefined) {
    await server.stop();
    throw new Error("skiff serve printed no dataPlane URL although SKIFF_DATA_PLANE_PORT was set");
  }
  return {
    name: "skiff-direct",
    label: "Skiff (direct data plane)",
    helloUrl: `${dataPlaneUrl}/fn/default/hello`,
    echoUrl: `${dataPlaneUrl}/fn/default/echo`,
    pid: server.pid,
    server,
    stop: () => server.stop(),
  };
}

async function deployedSkiff(env: Record<string, string> | undefined): Promise<SkiffServer> {
  const server = await startSkiff(env === undefined ? {} : { env });
  try {
    await server.admin.deploy("hello", await helloModule());
    await server.admin.deploy("echo", await echoModule());
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}
