import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ListObjectsQuery, ObjectPage, ObjectSummary, ObjectUpload } from "../../api-client.js";
import { ApiError } from "../../api-error.js";
import { runWith } from "../../testing/cli-harness.js";

const MODIFIED = Date.UTC(2025, 0, 2, 3, 4, 5);
/** Every byte value, so any re-encoding on the way shows. */
const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), "skiff-object-cli-"));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

async function drain(body: ObjectUpload["body"]): Promise<Uint8Array> {
  if (body instanceof Uint8Array) return body;
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
  return new Uint8Array(Buffer.concat(chunks));
}

function summary(key: string, size: number): ObjectSummary {
  return { key, size, etag: "e", contentType: null, lastModified: MODIFIED };
}

/** A putObject that records what it was sent. */
function recordingPut() {
  const puts: Array<{
    tenant: string;
    bucket: string;
    key: string;
    bytes: Uint8Array;
    upload: ObjectUpload;
  }> = [];
  return {
    puts,
    api: {
      putObject: async (tenant: string, bucket: string, key: string, upload: ObjectUpload) => {
        const bytes = await drain(upload.body);
        puts.push({ tenant, bucket, key, bytes, upload });
        return {
          key,
          size: bytes.byteLength,
          etag: "0123abcd",
          contentType: upload.contentType ?? null,
          lastModified: MODIFIED,
        };
      },
    },
  };
}

describe("skiff object put", () => {
  it("streams a file with its size and a type from its extension", async () => {
    await writeFile(join(cwd, "cat.png"), ALL_BYTES);
    const { puts, api } = recordingPut();
    const run = await runWith(api, ["object", "put", "uploads", "images/cat.png", "cat.png"], { cwd });
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toBe("Uploaded images/cat.png to bucket uploads (256 bytes, ETag 0123abcd).\n");
    expect(puts).toHaveLength(1);
    expect(puts[0]).toMatchObject({ tenant: "default", bucket: "uploads", key: "images/cat.png" });
    expect(puts[0]?.bytes).toEqual(ALL_BYTES);
    expect(puts[0]?.upload.size).toBe(256);
    expect(puts[0]?.upload.contentType).toBe("image/png");
    expect(puts[0]?.upload.body).toBeInstanceOf(Readable);
  });

  it("reads stdin for -, with --content-type, and keeps hostile keys as they are", async () => {
    const { puts, api } = recordingPut();
    const key = "../../etc/passwd\u0000 ü";
    const run = await runWith(
      api,
      ["object", "put", "b", key, "-", "--content-type", "text/x-test", "--json"],
      {
        stdin: ALL_BYTES,
      },
    );
    expect(run.code).toBe(0);
    expect(puts[0]?.key).toBe(key);
    expect(puts[0]?.bytes).toEqual(ALL_BYTES);
    expect(puts[0]?.upload.size).toBeUndefined();
    expect(JSON.parse(run.stdout)).toMatchObject({ key, size: 256, contentType: "text/x-test" });
    const plain = await runWith(api, ["object", "put", "b", key, "-"], { stdin: ALL_BYTES });
    expect(plain.stdout).toBe(
      'Uploaded "../../etc/passwd\\u0000 ü" to bucket b (256 bytes, ETag 0123abcd).\n',
    );
  });

  it("refuses a file it cannot read before calling the server", async () => {
    const run = await runWith({}, ["object", "put", "b", "k", "missing.bin"], { cwd });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      "error: cannot read missing.bin: ENOENT\nhint: give a path relative to the current directory, or - to read stdin\n",
    );
    expect(run.settings).toEqual([]);
    const dir = await runWith({}, ["object", "put", "b", "k", "."], { cwd });
    expect(dir.stderr).toContain("error: . is not a file");
  });
});

describe("skiff object get", () => {
  const api = {
    getObject: async (_tenant: string, _bucket: string, key: string) => {
      if (key === "missing") throw new ApiError(404, "NOT_FOUND", 'no object "missing" in bucket "b"');
      return {
        contentType: "image/png",
        size: 256,
        etag: "abc",
        body: Readable.from([Buffer.from(ALL_BYTES.slice(0, 100)), Buffer.from(ALL_BYTES.slice(100))]),
      };
    },
  };

  it("writes the exact bytes to stdout", async () => {
    const run = await runWith(api, ["object", "get", "b", "k"]);
    expect(run.code).toBe(0);
    expect(run.bytes).toEqual(ALL_BYTES);
  });

  it("writes them to a file with -o, printing nothing (or JSON with --json)", async () => {
    const run = await runWith(api, ["object", "get", "b", "k", "-o", "out.bin"], { cwd });
    expect(run).toMatchObject({ code: 0, stdout: "", stderr: "" });
    expect(new Uint8Array(await readFile(join(cwd, "out.bin")))).toEqual(ALL_BYTES);
    const json = await runWith(api, ["object", "get", "b", "k", "-o", "again.bin", "--json"], { cwd });
    expect(JSON.parse(json.stdout)).toEqual({
      bucket: "b",
      key: "k",
      size: 256,
      etag: "abc",
      contentType: "image/png",
      file: "again.bin",
    });
  });

  it("prints the bytes as base64 with --json", async () => {
    const run = await runWith(api, ["object", "get", "b", "k", "--json"]);
    expect(JSON.parse(run.stdout).base64).toBe(Buffer.from(ALL_BYTES).toString("base64"));
  });

  it("fails with the server's message for a missing object, writing no file", async () => {
    const run = await runWith(api, ["object", "get", "b", "missing", "-o", "x.bin"], { cwd });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no object "missing" in bucket "b" (NOT_FOUND, HTTP 404)');
    await expect(readFile(join(cwd, "x.bin"))).rejects.toThrow(/ENOENT/);
  });

  it("says which file it cannot write", async () => {
    const run = await runWith(api, ["object", "get", "b", "k", "-o", "no/such/dir/x"], { cwd });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("error: cannot write no/such/dir/x: ENOENT");
  });
});

describe("skiff object ls", () => {
  it("follows every page and prints folders and objects", async () => {
    const queries: ListObjectsQuery[] = [];
    const pages: ObjectPage[] = [
      { objects: [summary("a.txt", 5)], commonPrefixes: ["images/"], next: "a.txt" },
      { objects: [summary("line\nbreak", 12)], commonPrefixes: [], next: null },
    ];
    const api = {
      listObjects: async (_tenant: string, _bucket: string, query: ListObjectsQuery = {}) => {
        queries.push(query);
        return pages[queries.length - 1] as ObjectPage;
      },
    };
    const run = await runWith(api, ["object", "ls", "uploads", "--prefix", "p/", "-d", "/"]);
    expect(run.code).toBe(0);
    expect(queries).toEqual([
      { prefix: "p/", delimiter: "/", after: undefined },
      { prefix: "p/", delimiter: "/", after: "a.txt" },
    ]);
    expect(run.stdout).toBe(
      "MODIFIED                  SIZE  KEY\n" +
        "PRE                             images/\n" +
        "2025-01-02T03:04:05.000Z  5     a.txt\n" +
        '2025-01-02T03:04:05.000Z  12    "line\\nbreak"\n',
    );
  });

  it("prints JSON and says when there is nothing", async () => {
    const api = {
      listObjects: async (): Promise<ObjectPage> => ({ objects: [], commonPrefixes: [], next: null }),
    };
    expect((await runWith(api, ["object", "ls", "b", "-p", "x/"])).stdout).toBe(
      "No objects in bucket b under x/.\n",
    );
    expect(JSON.parse((await runWith(api, ["object", "ls", "b", "--json"])).stdout)).toEqual({
      objects: [],
      commonPrefixes: [],
    });
  });
});

describe("skiff object rm", () => {
  it("deletes the object", async () => {
    const calls: string[][] = [];
    const api = {
      deleteObject: async (tenant: string, bucket: string, key: string) => {
        calls.push([tenant, bucket, key]);
      },
    };
    const run = await runWith(api, ["object", "rm", "uploads", "a b.txt", "-t", "acme"]);
    expect(run).toMatchObject({ code: 0, stdout: "Deleted a b.txt from bucket uploads.\n" });
    expect(calls).toEqual([["acme", "uploads", "a b.txt"]]);
  });
});
