// Peer: Cloudflare's workerd (the npm package's binary) serving the same hello-world and echo modules.
import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startChild } from "../child.js";
import { EXAMPLES_DIR, MODULES_DIR } from "../paths.js";
import { freePort } from "../ports.js";
import { waitUntilReady } from "../wait-ready.js";
import type { Peer } from "./peer.js";
import { workerdConfig } from "./workerd-config.js";

/** The workerd binary's path, as the `workerd` package exports it (undefined if it is not installed). */
export function workerdBinary(): string | undefined {
  try {
    const exported = createRequire(import.meta.url)("workerd") as { default?: unknown };
    return typeof exported.default === "string" ? exported.default : undefined;
  } catch {
    return undefined;
  }
}

export async function startWorkerdPeer(): Promise<Peer> {
  const binary = workerdBinary();
  if (binary === undefined) throw new Error("the workerd package is not installed (npm install -w bench)");
  const dir = await mkdtemp(join(tmpdir(), "skiff-bench-workerd-"));
  try {
    await copyFile(join(EXAMPLES_DIR, "hello.js"), join(dir, "hello.js"));
    await copyFile(join(MODULES_DIR, "echo-json.js"), join(dir, "echo.js"));
    const hello = { name: "hello", port: await freePort() };
    const echo = { name: "echo", port: await freePort() };
    await writeFile(join(dir, "config.capnp"), workerdConfig([hello, echo]));
    const child = startChild(binary, ["serve", join(dir, "config.capnp")], { cwd: dir });
    const helloUrl = `http://127.0.0.1:${hello.port}/hello`;
    try {
      await waitUntilReady(helloUrl, child);
    } catch (error) {
      await child.stop(1_000);
      throw error;
    }
    return {
      name: "workerd",
      label: "workerd",
      helloUrl,
      echoUrl: `http://127.0.0.1:${echo.port}/echo`,
      pid: child.pid,
      stop: async () => {
        await child.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
