import { access, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { prepareUpload } from "../../deploy/prepare-upload.js";
import { findProjectConfig } from "../config/load-project-config.js";
import { functionNameFor, SCHEMA_PATH, scaffoldProject } from "./scaffold-project.js";

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "skiff-init-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("scaffoldProject", () => {
  it.each(["workers", "lambda"] as const)(
    "writes a %s project whose config loads and whose entry bundles",
    async (template) => {
      const dir = join(root, "My Worker");
      const result = await scaffoldProject({ dir, template });
      expect(result).toEqual({
        dir,
        name: "my-worker",
        template,
        files: ["skiff.jsonc", "src/index.ts", ".gitignore"],
      });
      const project = await findProjectConfig(dir);
      expect(project).toMatchObject({
        name: "my-worker",
        main: "src/index.ts",
        config: { vars: { GREETING: "Hello" } },
        notes: [],
      });
      const prepared = await prepareUpload(dir, ".", project?.main);
      if (!("modules" in prepared.upload)) throw new Error("expected a bundle");
      const code = prepared.upload.modules["index.js"] as string;
      expect(code).toContain(template === "lambda" ? "handler" : "async fetch(request, env)");
      expect(code).not.toContain("interface");
      expect(await readFile(join(dir, ".gitignore"), "utf8")).toContain(".skiff/");
    },
  );

  it("points $schema at this CLI's schema file, relative to the project", async () => {
    const dir = join(root, "api");
    await scaffoldProject({ dir, template: "workers" });
    const text = await readFile(join(dir, "skiff.jsonc"), "utf8");
    const schema = /"\$schema": "([^"]+)"/.exec(text)?.[1] as string;
    expect(resolve(dir, schema)).toBe(SCHEMA_PATH);
    await access(SCHEMA_PATH);
  });

  it("refuses to overwrite files unless forced, and takes --name", async () => {
    await writeFile(join(root, "skiff.jsonc"), "{}");
    await expect(scaffoldProject({ dir: root, template: "workers" })).rejects.toMatchObject({
      message: expect.stringContaining("already has skiff.jsonc"),
      hint: "choose another folder, or pass --force to replace these files",
    });
    expect(await readFile(join(root, "skiff.jsonc"), "utf8")).toBe("{}");
    const result = await scaffoldProject({ dir: root, template: "workers", name: "api", force: true });
    expect(result.name).toBe("api");
    expect(await readFile(join(root, "skiff.jsonc"), "utf8")).toContain('"name": "api"');
  });

  it("refuses a name that is not a function name", async () => {
    await expect(scaffoldProject({ dir: root, template: "workers", name: "Bad_Name" })).rejects.toThrow(
      '"Bad_Name" is not a valid function name',
    );
  });
});

describe("functionNameFor", () => {
  it.each([
    ["hello", "hello"],
    ["My Worker_2", "my-worker-2"],
    ["--x--", "x"],
    ["日本", "my-function"],
    ["a".repeat(80), "a".repeat(63)],
  ])("%s → %s", (folder, name) => {
    expect(functionNameFor(folder)).toBe(name);
  });
});
