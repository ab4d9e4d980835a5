// Issue 7, item 5: `skiff backup` copies a live server's metadata while it deploys and writes; a second server
// started on the restored copy (plus the files the command names) serves the functions, secrets included.
import { cp, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { checkIntegrity, DATABASE_FILE } from "@skiff/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminClient, invoke } from "./skiff-api.js";
import { runSkiff } from "./skiff-cli.js";
import { type SkiffServer, startSkiff } from "./skiff-server.js";

let server: SkiffServer;
let restored: SkiffServer | undefined;
let workDir: string;

beforeAll(async () => {
  server = await startSkiff();
  workDir = await mkdtemp(join(tmpdir(), "skiff-backup-e2e-"));
});

afterAll(async () => {
  await restored?.stop();
  await server?.stop();
  await rm(workDir, { recursive: true, force: true });
});

const churnCode = (n: number) => `export default { fetch() { return new Response("churn v${n}") } }`;

describe("skiff backup", () => {
  it("backs up a server that is deploying and writing, and a restored copy serves", {
    timeout: 120_000,
  }, async () => {
    const admin = new AdminClient(server, server.defaultKey);
    const secretDeploy = await admin.call("PUT", "/tenants/default/functions/keeper", {
      code: `export default { fetch(request, env) { return new Response("secret is " + env.TOKEN) } }`,
      secrets: { TOKEN: "kept-across-restore" },
    });
    expect(secretDeploy.status).toBe(201);
    await admin.mustDeploy("churn", churnCode(1));
    expect((await admin.call("POST", "/tenants/default/kv", { name: "notes" })).status).toBe(201);

    // Deploys and KV writes keep coming while the backup runs in another process.
    let writing = true;
    let deployed = 1;
    const writer = (async () => {
      while (writing) {
        deployed += 1;
        await admin.mustDeploy("churn", churnCode(deployed));
        const put = await admin.call(
          "PUT",
          `/tenants/default/kv/notes/values/n${deployed}`,
          `value ${deployed}`,
          {
            "content-type": "application/octet-stream",
          },
        );
        expect(put.status).toBeLessThan(300);
      }
    })();
    const file = join(workDir, "skiff-backup.db");
    const run = await runSkiff(server, ["backup", file, "--data-dir", server.dataDir, "--json"]);
    const deployedBeforeEnd = deployed;
    writing = false;
    await writer;

    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const answer = JSON.parse(run.stdout);
    expect(answer).toMatchObject({ file, source: join(server.dataDir, DATABASE_FILE), integrity: "ok" });
    expect(checkIntegrity(file)).toBe("ok");
    // A second run does not overwrite the copy.
    const again = await runSkiff(server, ["backup", file, "--data-dir", server.dataDir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already exists");

    // Restore as the README says: the copy as <data-dir>/skiff.db, then the folders and key files it named.
    const restoreDir = join(workDir, "restored");
    await mkdir(restoreDir, { mode: 0o700 });
    await cp(file, join(restoreDir, DATABASE_FILE));
    const companions: string[] = answer.copyAlso;
    expect(companions.map((path) => basename(path))).toEqual(
      expect.arrayContaining(["blobs", "objects", "master.key", "default.key"]),
    );
    for (const path of companions) await cp(path, join(restoreDir, basename(path)), { recursive: true });

    restored = await startSkiff({ dataDir: restoreDir });
    expect(restored.defaultKey).toBe(server.defaultKey);
    const keeper = await invoke(restored, "keeper");
    expect(keeper.status).toBe(200);
    expect(keeper.text).toBe("secret is kept-across-restore");
    // The copy is one snapshot from while the writes ran: churn at some version of that window.
    const churn = await invoke(restored, "churn");
    expect(churn.status).toBe(200);
    const version = Number(/^churn v(\d+)$/.exec(churn.text)?.[1]);
    expect(version).toBeGreaterThanOrEqual(1);
    expect(version).toBeLessThanOrEqual(deployedBeforeEnd);
    const versions = await new AdminClient(restored, restored.defaultKey).versions("churn");
    expect(versions.json.versions.at(-1).number).toBe(version);
    // The original keeps serving its latest version.
    expect((await invoke(server, "churn")).text).toBe(`churn v${deployed}`);
    expect(checkIntegrity(join(restoreDir, DATABASE_FILE))).toBe("ok");
  });
});
