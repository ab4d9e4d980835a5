// Polls a URL until the server behind it answers, or fails when the deadline passes or its process ends.
import { request } from "undici";
import type { ManagedChild } from "./child.js";

export async function waitUntilReady(url: string, child: ManagedChild, deadlineMs = 30_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  let ended = false;
  void child.exited.then(() => {
    ended = true;
  });
  let lastError = "no answer yet";
  while (Date.now() < end) {
    if (ended) throw new Error(`${url}: the server exited before it was ready\n${child.output()}`);
    try {
      const answer = await request(url, { method: "GET", headersTimeout: 2_000, bodyTimeout: 2_000 });
      await answer.body.dump();
      if (answer.statusCode < 500) return;
      lastError = `status ${answer.statusCode}`;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${url} was not ready within ${deadlineMs} ms (${lastError})\n${child.output()}`);
}
