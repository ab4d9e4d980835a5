import { createHash } from "node:crypto";
import { mkdtemp, open, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ObjectFiles, readRange, writeBody } from "./object-files.js";

const md5 = (data: Uint8Array) => createHash("md5").update(data).digest("hex");
const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

async function collect(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of body) parts.push(part);
  return Buffer.concat(parts);
}

describe("ObjectFiles", () => {
  let root: string;
  let files: ObjectFiles;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "skiff-object-files-"));
    files = await ObjectFiles.open(join(root, "objects"));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("creates its directories privately", async () => {
    expect((await readdir(files.root)).sort()).toEqual(["tmp", "uploads"]);
    expect((await stat(files.root)).mode & 0o777).toBe(0o700);
  });

  it("streams a body to a temp file while hashing and counting it", async () => {
    const data = Uint8Array.from({ length: 100_000 }, (_, i) => i % 256);
    async function* chunks() {
      for (let at = 0; at < data.byteLength; at += 999) yield data.subarray(at, at + 999);
    }
    const written = await files.writeTemp(chunks(), data.byteLength);
    expect(written).toMatchObject({ size: data.byteLength, sha256: sha256(data) });
    expect(written.md5.toString("hex")).toBe(md5(data));
    expect(written.path.startsWith(files.tmpDir)).toBe(true);
    expect(new Uint8Array(await readFile(written.path))).toEqual(data);
    expect((await stat(written.path)).mode & 0o777).toBe(0o600);
  });

  it("deletes the partial file when the body passes the limit or fails", async () => {
    await expect(files.writeTemp(new Uint8Array(11), 10)).rejects.toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
    });
    async function* failing() {
      yield new Uint8Array(5);
      throw new Error("client went away");
    }
    await expect(files.writeTemp(failing(), 100)).rejects.toThrow("client went away");
    async function* notBytes() {
      yield "text" as unknown as Uint8Array;
    }
    await expect(files.writeTemp(notBytes(), 100)).rejects.toMatchObject({ code: "INVALID_REQUEST" });
    async function* tooMany() {
      for (;;) yield new Uint8Array(4);
    }
    await expect(files.writeTemp(tooMany(), 10)).rejects.toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
      details: { s3: "EntityTooLarge", maxBytes: 10 },
    });
    expect(await readdir(files.tmpDir)).toEqual([]);
  });

  it("places a temp file at its content address, and removes it by hash", async () => {
    const data = new TextEncoder().encode("content");
    const written = await files.writeTemp(data, 100);
    files.placeSync(written.path, written.sha256);
    const path = files.pathOf(written.sha256);
    expect(path).toBe(join(files.root, written.sha256.slice(0, 2), written.sha256));
    expect(new Uint8Array(await readFile(path))).toEqual(data);
    expect(await readdir(files.tmpDir)).toEqual([]);
    // The same content placed again replaces the file harmlessly.
    const again = await files.writeTemp(data, 100);
    files.placeSync(again.path, again.sha256);
    expect(new Uint8Array(await readFile(path))).toEqual(data);
    expect(files.removeSync(written.sha256)).toBe(true);
    expect(files.removeSync(written.sha256)).toBe(false);
    expect(await files.openContent(written.sha256)).toBeUndefined();
  });

  it("names files only by hash and upload id, refusing anything else", () => {
    expect(() => files.pathOf("../../etc/passwd")).toThrow();
    expect(() => files.pathOf("A".repeat(64))).toThrow();
    expect(() => files.uploadDir("../x")).toThrow();
    expect(files.uploadDir("0".repeat(32))).toBe(join(files.uploadsDir, "0".repeat(32)));
  });

  it("reads an inclusive byte range and closes the file", async () => {
    const data = Uint8Array.from({ length: 600_000 }, (_, i) => (i * 7) % 256);
    const path = join(root, "data");
    await writeFile(path, data);
    expect(new Uint8Array(await collect(readRange(await open(path, "r"), 0, data.byteLength - 1)))).toEqual(
      data,
    );
    expect(new Uint8Array(await collect(readRange(await open(path, "r"), 10, 300_010)))).toEqual(
      data.subarray(10, 300_011),
    );
    expect(await collect(readRange(await open(path, "r"), 0, -1))).toEqual(Buffer.alloc(0));
    const handle = await open(path, "r");
    for await (const _ of readRange(handle, 0, data.byteLength - 1)) break;
    // Stopped early: the handle is closed all the same.
    await expect(handle.stat()).rejects.toThrow();
    await expect(collect(readRange(await open(path, "r"), 599_999, 600_005))).rejects.toMatchObject({
      code: "INTERNAL_ERROR",
    });
  });

  it("writes to a path the caller names (multipart parts)", async () => {
    const written = await writeBody(join(root, "part"), new Uint8Array([1, 2, 3]), 3);
    expect(written).toMatchObject({ size: 3, path: join(root, "part") });
    await expect(writeBody(join(root, "part"), new Uint8Array([1]), 3)).rejects.toMatchObject({
      code: "EEXIST",
    });
  });
});
