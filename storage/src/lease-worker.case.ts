// A second process for event-queue.test.ts: opens the storage in the given data dir, says "ready", waits for
// "go" on stdin, then leases until nothing is due and prints the leased ids as JSON. Run by vite-node; not a
// test itself (the .case.ts suffix keeps it out of the build and of the test run).
import { createInterface } from "node:readline";
import { openStorage } from "./sqlite-storage.js";

const [dataDir, owner, now, limit] = process.argv.slice(2);
if (dataDir === undefined || owner === undefined || now === undefined || limit === undefined) {
  throw new Error("usage: lease-worker.case.ts <dataDir> <owner> <now> <limit>");
}

const storage = await openStorage({ dataDir });
const lines = createInterface({ input: process.stdin });
process.stdout.write("ready\n");
for await (const line of lines) if (line === "go") break;
lines.close();

const ids: string[] = [];
for (;;) {
  const leased = await storage.events.lease(Number(now), Number(limit), owner, 60_000);
  if (leased.length === 0) break;
  for (const event of leased) ids.push(event.id);
}
await storage.close();
process.stdout.write(`${JSON.stringify(ids)}\n`);
