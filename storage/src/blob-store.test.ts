import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256Hex } from "@skiff/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileBlobStore } from "./blob-store.js";

describe("FileBlobStore", () => {
  let root: string;
  let blobs: FileBlobStore;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "skiff-blobs-"));
    blobs = new FileBlobStore(join(root, "blobs"));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** Every file under the store, relative to its root. */
  const files = async () => (await readdir(join(root, "blobs"), { recursive: true })).sort();

  it("writes the bytes to blobs/<first 2 hex>/<sha256>, readable only by the owner", async () => {
    const bytes = new TextEncoder().encode("export default {}");
    const { sha256, size } = await blobs.put(bytes);
    expect(sha256).toBe(sha256Hex(bytes));
    expect(size).toBe(bytes.byteLength);
    const path = join(root, "blobs", sha256.slice(0, 2), sha256);
    expect(blobs.pathOf(sha256)).toBe(path);
    expect(new Uint8Array(await readFile(path))).toEqual(bytes);
    expect((await stat(path)).mode & 0o077).toBe(0);
    expect(await files()).toEqual([sha256.slice(0, 2), join(sha256.slice(0, 2), sha256)]);
  });

  it("computes the hash itself and leaves no temp files, even for concurrent puts", async () => {
    const contents = Array.from({ length: 20 }, (_, i) => new TextEncoder().encode(`blob ${i % 5}`));
    const results = await Promise.all(contents.map((bytes) => blobs.put(bytes)));
    const hashes = [...new Set(results.map((r) => r.sha256))].sort();
    expect(hashes).toHaveLength(5);
    for (const [i, bytes] of contents.entries()) expect(results[i]?.sha256).toBe(sha256Hex(bytes));
    const leaves = (await files()).filter((f) => f.includes("/"));
    expect(leaves.map((f) => f.split("/")[1]).sort()).toEqual(hashes);
    expect((await files()).some((f) => f.endsWith(".tmp"))).toBe(false);
  });

  it("does not rewrite a blob that is already stored", async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const { sha256 } = await blobs.put(bytes);
    const before = await stat(blobs.pathOf(sha256));
    await blobs.put(bytes);
    const after = await stat(blobs.pathOf(sha256));
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
  });

  it("answers NOT_FOUND once a blob's file is gone, and never reads outside the store", async () => {
    const { sha256 } = await blobs.put(new Uint8Array([9]));
    await rm(blobs.pathOf(sha256));
    expect(await blobs.has(sha256)).toBe(false);
    await expect(blobs.get(sha256)).rejects.toMatchObject({ code: "NOT_FOUND", status: 404 });
    await expect(blobs.get(`../../${"a".repeat(58)}`)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
