// The two plain-Node peers.
import { type Peer, startNodePeer } from "./peer.js";

export function startNodeHttpPeer(): Promise<Peer> {
  return startNodePeer("node-http", "node:http", "peers/node-http-server.js");
}

export function startHonoPeer(): Promise<Peer> {
  return startNodePeer("hono", "@hono/node-server", "peers/hono-server.js");
}
