// Starts a peer by name, and checks that it answers both scenarios correctly before any load is sent.
import { isDeepStrictEqual } from "node:util";
import { request } from "undici";
import { HELLO_TEXT } from "./hello-text.js";
import { startHonoPeer, startNodeHttpPeer } from "./node-peers.js";
import type { Peer, PeerName, PeerServer } from "./peer.js";
import { startSkiffDirectPeer, startSkiffPeer } from "./skiff-peer.js";
import { startWorkerdPeer } from "./workerd-peer.js";

export function startPeer(name: PeerName): Promise<Peer> {
  switch (name) {
    case "node-http":
      return startNodeHttpPeer();
    case "hono":
      return startHonoPeer();
    case "workerd":
      return startWorkerdPeer();
    case "skiff":
      return startSkiffPeer();
    case "skiff-direct":
      return startSkiffDirectPeer();
  }
}

/** Throws unless the peer's hello and echo answer exactly as the others do. */
export async function verifyPeer(peer: PeerServer, payload: string): Promise<void> {
  const hello = await request(peer.helloUrl);
  const helloText = await hello.body.text();
  if (hello.statusCode !== 200 || helloText !== HELLO_TEXT) {
    throw new Error(
      `${peer.label} hello answered ${hello.statusCode} ${JSON.stringify(helloText.slice(0, 200))}`,
    );
  }
  const echo = await request(peer.echoUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: payload,
  });
  const echoText = await echo.body.text();
  let same = false;
  try {
    same = isDeepStrictEqual(JSON.parse(echoText), JSON.parse(payload));
  } catch {
    same = false;
  }
  if (echo.statusCode !== 200 || !same) {
    throw new Error(
      `${peer.label} echo answered ${echo.statusCode} ${JSON.stringify(echoText.slice(0, 200))}`,
    );
  }
}
