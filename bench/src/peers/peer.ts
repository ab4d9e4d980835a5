// A system under test: serves the hello world and the JSON echo on loopback until stopped.
import { startChild } from "../child.js";
import { distScript } from "../paths.js";
import { waitUntilReady } from "../wait-ready.js";

export type PeerName = "node-http" | "hono" | "workerd" | "skiff" | "skiff-direct";

/** `skiff` is served through the gateway's port; `skiff-direct` through the direct data plane (SKIFF_DATA_PLANE_PORT). */
export const PEER_NAMES: readonly PeerName[] = ["node-http", "hono", "workerd", "skiff", "skiff-direct"];

/** A server the harness started that answers the hello world and the echo. */
export interface PeerServer {
  /** How tables name it. */
  label: string;
  helloUrl: string;
  echoUrl: string;
  /** The root of the peer's process tree, whose RSS is the peer's memory. */
  pid: number;
  stop(): Promise<void>;
}

export interface Peer extends PeerServer {
  name: PeerName;
}

const PORT_LINE = /^\{"port":(\d+)\}$/m;

/** Starts one of this package's Node peer servers (dist/peers/*.js) on a free port. */
export async function startNodePeer(name: PeerName, label: string, script: string): Promise<Peer> {
  return { name, ...(await startNodeServer(label, script)) };
}

/**
 * Starts a Node server script of this package (dist/…) that prints `{"port":N}` once it listens, with extra
 * Node flags and environment.
 */
export async function startNodeServer(
  label: string,
  script: string,
  nodeFlags: string[] = [],
  env: Record<string, string> = {},
): Promise<PeerServer> {
  let stdout = "";
  let announced: (port: number) => void = () => {};
  const port = new Promise<number>((resolve) => {
    announced = resolve;
  });
  const child = startChild(process.execPath, [...nodeFlags, distScript(script)], {
    env: { ...process.env, ...env },
    onStdout: (chunk) => {
      stdout += chunk;
      const match = PORT_LINE.exec(stdout);
      if (match?.[1] !== undefined) announced(Number(match[1]));
    },
  });
  const first = await Promise.race([port, child.exited.then(() => undefined)]);
  if (first === undefined) throw new Error(`${label} exited before listening\n${child.output()}`);
  const origin = `http://127.0.0.1:${first}`;
  await waitUntilReady(`${origin}/hello`, child);
  return {
    label,
    helloUrl: `${origin}/hello`,
    echoUrl: `${origin}/echo`,
    pid: child.pid,
    stop: () => child.stop(),
  };
}
