import { describe, expect, it } from "vitest";
import type { BucketInfo } from "../../api-client.js";
import { ApiError } from "../../api-error.js";
import { runWith } from "../../testing/cli-harness.js";

const CREATED = Date.UTC(2025, 0, 2, 3, 4, 5);

describe("skiff bucket create", () => {
  it("creates the bucket in the tenant and says how to upload", async () => {
    const calls: string[][] = [];
    const api = {
      createBucket: async (tenant: string, name: string) => {
        calls.push([tenant, name]);
        return { name, createdAt: CREATED };
      },
    };
    const run = await runWith(api, ["bucket", "create", "uploads", "-t", "acme"]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(calls).toEqual([["acme", "uploads"]]);
    expect(run.stdout).toBe(
      "Created bucket uploads in tenant acme.\n  skiff object put uploads <key> <file>\n",
    );
    const json = await runWith(api, ["bucket", "create", "media", "--json"]);
    expect(JSON.parse(json.stdout)).toEqual({ name: "media", createdAt: CREATED });
    expect(calls[1]).toEqual(["default", "media"]);
  });

  it("reports the server's refusal with its code", async () => {
    const api = {
      createBucket: async (): Promise<BucketInfo> => {
        throw new ApiError(409, "CONFLICT", 'bucket "uploads" already exists');
      },
    };
    const run = await runWith(api, ["bucket", "create", "uploads"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain('error: bucket "uploads" already exists (CONFLICT, HTTP 409)');
  });

  it("asks for the name", async () => {
    const run = await runWith({}, ["bucket", "create"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("missing <name>");
    expect(run.settings).toEqual([]);
  });
});

describe("skiff bucket ls", () => {
  it("prints a table, JSON, or how to create one", async () => {
    let buckets: BucketInfo[] = [
      { name: "uploads", createdAt: CREATED },
      { name: "thumbnails", createdAt: CREATED },
    ];
    const api = { listBuckets: async () => buckets };
    expect((await runWith(api, ["bucket", "ls"])).stdout).toBe(
      "NAME        CREATED\n" +
        "uploads     2025-01-02T03:04:05.000Z\n" +
        "thumbnails  2025-01-02T03:04:05.000Z\n",
    );
    expect(JSON.parse((await runWith(api, ["bucket", "ls", "--json"])).stdout)).toEqual(buckets);
    buckets = [];
    expect((await runWith(api, ["bucket", "ls"])).stdout).toBe(
      "No buckets in tenant default. Create one with: skiff bucket create <name>\n",
    );
  });
});

describe("skiff bucket rm", () => {
  it("deletes, forcing only when told", async () => {
    const calls: Array<[string, string, { force?: boolean } | undefined]> = [];
    const api = {
      deleteBucket: async (tenant: string, name: string, options?: { force?: boolean }) => {
        calls.push([tenant, name, options]);
      },
    };
    expect((await runWith(api, ["bucket", "rm", "scratch"])).stdout).toBe("Deleted bucket scratch.\n");
    const forced = await runWith(api, ["bucket", "rm", "scratch", "--force", "--json"]);
    expect(JSON.parse(forced.stdout)).toEqual({ deleted: true, name: "scratch" });
    expect(calls).toEqual([
      ["default", "scratch", { force: false }],
      ["default", "scratch", { force: true }],
    ]);
  });

  it("explains a refusal to delete a bucket that holds objects", async () => {
    const api = {
      deleteBucket: async () => {
        throw new ApiError(409, "CONFLICT", 'bucket "scratch" is not empty');
      },
    };
    const run = await runWith(api, ["bucket", "rm", "scratch"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      "error: bucket scratch is not empty\n" +
        "hint: see its objects with `skiff object ls scratch`, or delete them with it: skiff bucket rm scratch --force\n",
    );
  });
});
