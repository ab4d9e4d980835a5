// Buckets, objects and KV through the real `skiff` commands against a real server, as a person would use them.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminClient, call } from "./skiff-api.js";
import { SKIFF_BIN } from "./skiff-cli.js";
import { type SkiffServer, startSkiff } from "./skiff-server.js";

/** Every byte value, so any re-encoding on the way (UTF-8, newlines) shows. */
const ALL_BYTES = Buffer.from(Uint8Array.from({ length: 256 }, (_, i) => i));
const BIG = Buffer.alloc(3 * 1024 * 1024 + 7, 0xab);

let server: SkiffServer;
let operator: AdminClient;
let workDir: string;
/** Admin key of a second tenant, "intruder". */
let intruderKey: string;

interface Run {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** `skiff <args>` as a child process with the default tenant's key, stdout kept as bytes, `stdin` piped in. */
function skiff(args: string[], options: { stdin?: Buffer; env?: Record<string, string> } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SKIFF_BIN, ...args], {
      cwd: workDir,
      env: { ...process.env, SKIFF_URL: server.url, SKIFF_TOKEN: server.defaultKey, ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout: Buffer.concat(out), stderr }));
    child.stdin.end(options.stdin ?? Buffer.alloc(0));
  });
}

const text = (run: Run) => run.stdout.toString("utf8");
const md5 = (bytes: Uint8Array) => createHash("md5").update(bytes).digest("hex");

beforeAll(async () => {
  server = await startSkiff();
  operator = new AdminClient(server, server.adminToken);
  workDir = await mkdtemp(join(tmpdir(), "skiff-buckets-cli-"));
  const tenant = await operator.call("POST", "/tenants", { name: "intruder" });
  expect(tenant.status).toBe(201);
  intruderKey = tenant.json.apiKey;
});

afterAll(async () => {
  expect(await server.stop()).toBe(0);
  await rm(workDir, { recursive: true, force: true });
});

describe("skiff bucket", () => {
  it("creates, lists and refuses a duplicate", async () => {
    const created = await skiff(["bucket", "create", "uploads"]);
    expect({ code: created.code, stderr: created.stderr }).toEqual({ code: 0, stderr: "" });
    expect(text(created)).toContain("Created bucket uploads in tenant default.");

    const listed = await skiff(["bucket", "ls", "--json"]);
    expect(JSON.parse(text(listed))).toEqual([{ name: "uploads", createdAt: expect.any(Number) }]);
    expect(text(await skiff(["bucket", "ls"]))).toMatch(/^NAME\s+CREATED\nuploads\s+\d{4}-/);

    const again = await skiff(["bucket", "create", "uploads"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("(CONFLICT, HTTP 409)");
  });

  it("refuses a name S3 would refuse, with a message", async () => {
    const run = await skiff(["bucket", "create", "Bad_Name"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("INVALID_NAME");
  });
});

describe("skiff object", () => {
  it("uploads a file and downloads the same bytes to stdout and to a file", async () => {
    await writeFile(join(workDir, "all.bin"), ALL_BYTES);
    const put = await skiff(["object", "put", "uploads", "images/all.bin", "all.bin", "--json"]);
    expect(put.code).toBe(0);
    expect(JSON.parse(text(put))).toMatchObject({
      key: "images/all.bin",
      size: 256,
      etag: md5(ALL_BYTES),
      contentType: "application/octet-stream",
    });

    const got = await skiff(["object", "get", "uploads", "images/all.bin"]);
    expect(got.code).toBe(0);
    expect(got.stderr).toBe("");
    expect(got.stdout.equals(ALL_BYTES)).toBe(true);

    const saved = await skiff(["object", "get", "uploads", "images/all.bin", "-o", "copy.bin"]);
    expect(saved).toMatchObject({ code: 0, stderr: "" });
    expect((await readFile(join(workDir, "copy.bin"))).equals(ALL_BYTES)).toBe(true);
  });

  it("uploads stdin with -, and a file of several MB streamed, with a type from the extension", async () => {
    const piped = await skiff(
      ["object", "put", "uploads", "notes/piped.txt", "-", "--content-type", "text/plain"],
      {
        stdin: Buffer.from("from a pipe\n"),
      },
    );
    expect(piped.code).toBe(0);
    expect(text(await skiff(["object", "get", "uploads", "notes/piped.txt"]))).toBe("from a pipe\n");

    await writeFile(join(workDir, "big.png"), BIG);
    const big = await skiff(["object", "put", "uploads", "images/big.png", "big.png", "--json"]);
    expect(JSON.parse(text(big))).toMatchObject({
      size: BIG.length,
      etag: md5(BIG),
      contentType: "image/png",
    });
    const back = await skiff(["object", "get", "uploads", "images/big.png"]);
    expect(back.stdout.length).toBe(BIG.length);
    expect(md5(back.stdout)).toBe(md5(BIG));
  });

  it("lists objects with a prefix, as a table and as JSON", async () => {
    const listed = await skiff(["object", "ls", "uploads", "--prefix", "images/", "--json"]);
    expect(listed.code).toBe(0);
    const keys = JSON.parse(text(listed)).objects.map((o: { key: string }) => o.key);
    expect(keys).toEqual(["images/all.bin", "images/big.png"]);
    const table = text(await skiff(["object", "ls", "uploads", "--delimiter", "/"]));
    expect(table).toMatch(/^MODIFIED\s+SIZE\s+KEY\n/);
    expect(table).toContain("images/");
    expect(table).toContain("notes/");
  });

  it("stores hostile keys as plain keys and reads them back", async () => {
    const keys = ["../../etc/passwd", " spaced key ", "日本/ü 😀.txt", "%41%2F", "q?x=1#frag"];
    for (const [i, key] of keys.entries()) {
      const put = await skiff(["object", "put", "uploads", key, "-"], { stdin: Buffer.from(`content ${i}`) });
      expect(put.code, `${key}: ${put.stderr}`).toBe(0);
    }
    for (const [i, key] of keys.entries()) {
      expect(text(await skiff(["object", "get", "uploads", key])), key).toBe(`content ${i}`);
    }
    // A NUL can not travel in argv: store it over the API, then list and read it with the CLI.
    const admin = new AdminClient(server, server.defaultKey);
    const nul = await admin.call(
      "PUT",
      `/tenants/default/buckets/uploads/objects/${encodeURIComponent("a\u0000b")}`,
      "nul",
    );
    expect(nul.status).toBe(201);
    const listed = JSON.parse(text(await skiff(["object", "ls", "uploads", "--json"]))).objects.map(
      (o: { key: string }) => o.key,
    );
    for (const key of [...keys, "a\u0000b"]) expect(listed).toContain(key);
    expect(text(await skiff(["object", "ls", "uploads"]))).toContain('"a\\u0000b"');
    const raw = await call(`${server.url}/api/v1/tenants/default/buckets/uploads/objects/a%00b`, {
      headers: { authorization: `Bearer ${server.defaultKey}` },
    });
    expect(raw.text).toBe("nul");
    // No key became a file name in the data dir.
    const files = (await readdir(server.dataDir, { recursive: true })).map(String);
    expect(files.filter((f) => /passwd|spaced|日本|frag/.test(f))).toEqual([]);
  });

  it("deletes an object, after which get fails with NOT_FOUND", async () => {
    const removed = await skiff(["object", "rm", "uploads", "notes/piped.txt"]);
    expect(removed).toMatchObject({ code: 0, stderr: "" });
    expect(text(removed)).toBe("Deleted notes/piped.txt from bucket uploads.\n");
    const gone = await skiff(["object", "get", "uploads", "notes/piped.txt", "-o", "gone.txt"]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain("(NOT_FOUND, HTTP 404)");
    await expect(readFile(join(workDir, "gone.txt"))).rejects.toThrow(/ENOENT/);
  });
});

describe("skiff kv", () => {
  it("creates a namespace, writes, reads, lists and deletes keys", async () => {
    expect((await skiff(["kv", "create", "cache"])).code).toBe(0);
    expect(JSON.parse(text(await skiff(["kv", "namespaces", "--json"])))).toEqual(["cache"]);

    const put = await skiff(["kv", "put", "cache", "greeting", "hello wörld", "--metadata", '{"lang":"de"}']);
    expect(put).toMatchObject({ code: 0, stderr: "" });
    expect((await skiff(["kv", "put", "cache", "session:1", "s", "--ttl", "3600"])).code).toBe(0);

    expect(text(await skiff(["kv", "get", "cache", "greeting"]))).toBe("hello wörld");
    expect(JSON.parse(text(await skiff(["kv", "get", "cache", "greeting", "--json"])))).toEqual({
      key: "greeting",
      value: "hello wörld",
      metadata: { lang: "de" },
      expiration: null,
    });
    const session = JSON.parse(text(await skiff(["kv", "get", "cache", "session:1", "--json"])));
    expect(session.expiration).toBeGreaterThan(Date.now() / 1000 + 3000);

    const listed = JSON.parse(text(await skiff(["kv", "ls", "cache", "--json"])));
    expect(listed.map((k: { name: string }) => k.name)).toEqual(["greeting", "session:1"]);
    expect(JSON.parse(text(await skiff(["kv", "ls", "cache", "--prefix", "sess", "--json"])))).toHaveLength(
      1,
    );

    expect((await skiff(["kv", "rm", "cache", "greeting"])).code).toBe(0);
    const missing = await skiff(["kv", "get", "cache", "greeting"]);
    expect(missing.code).toBe(1);
    expect(missing.stdout.length).toBe(0);
    expect(missing.stderr).toContain("(NOT_FOUND, HTTP 404)");
  });

  it("refuses a TTL under 60 s before calling the server", async () => {
    const run = await skiff(["kv", "put", "cache", "k", "v", "--ttl", "10"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("--ttl must be at least 60 seconds");
  });
});

describe("isolation", () => {
  it("refuses another tenant's key on the default tenant's buckets, objects and KV", async () => {
    const env = { SKIFF_TOKEN: intruderKey };
    for (const args of [
      ["bucket", "ls"],
      ["object", "ls", "uploads"],
      ["object", "get", "uploads", "images/all.bin"],
      ["object", "put", "uploads", "planted.txt", "-"],
      ["object", "rm", "uploads", "images/all.bin"],
      ["bucket", "rm", "uploads", "--force"],
      ["kv", "get", "cache", "session:1"],
      ["kv", "put", "cache", "planted", "x"],
      ["kv", "ls", "cache"],
    ]) {
      const run = await skiff([...args, "--tenant", "default"], { env, stdin: Buffer.from("planted") });
      expect(run.code, args.join(" ")).toBe(1);
      expect(run.stderr, args.join(" ")).toContain("(FORBIDDEN, HTTP 403)");
      expect(run.stdout.length).toBe(0);
    }
    // Its own tenant has none of them.
    const own = await skiff(["object", "get", "uploads", "images/all.bin", "--tenant", "intruder"], { env });
    expect(own.code).toBe(1);
    expect(own.stderr).toContain("NOT_FOUND");
    // Everything is as it was.
    expect((await skiff(["object", "get", "uploads", "images/all.bin"])).stdout.equals(ALL_BYTES)).toBe(true);
    expect(text(await skiff(["kv", "get", "cache", "session:1"]))).toBe("s");
    expect(text(await skiff(["object", "ls", "uploads"]))).not.toContain("planted");
  });
});

describe("skiff bucket rm", () => {
  it("refuses a bucket that holds objects unless --force", async () => {
    const refused = await skiff(["bucket", "rm", "uploads"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("error: bucket uploads is not empty");
    expect(refused.stderr).toContain("skiff bucket rm uploads --force");
    expect(JSON.parse(text(await skiff(["bucket", "ls", "--json"])))).toHaveLength(1);

    const forced = await skiff(["bucket", "rm", "uploads", "--force"]);
    expect(forced).toMatchObject({ code: 0, stderr: "" });
    expect(text(await skiff(["bucket", "ls"]))).toContain("No buckets in tenant default.");
  });
});
