import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runWith } from "../testing/cli-harness.js";

let cwd: string;

beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), "skiff-init-cmd-"));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

describe("skiff init", () => {
  it("scaffolds a project and says what to run next", async () => {
    const run = await runWith({}, ["init", "hello"], { cwd });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      "Created hello (workers) in hello: skiff.jsonc, src/index.ts, .gitignore\n" +
        "Next:\n  cd hello\n" +
        "  skiff dev       # run it locally; edits redeploy, logs print here\n" +
        "  skiff deploy    # ship it to the server in SKIFF_URL\n",
    );
    expect(await readFile(join(cwd, "hello/src/index.ts"), "utf8")).toContain("export default {");
  });

  it("prints JSON with --json, and writes the lambda template", async () => {
    const run = await runWith({}, ["init", "--template", "lambda", "--name", "fn", "--json"], { cwd });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      dir: cwd,
      name: "fn",
      template: "lambda",
      files: ["skiff.jsonc", "src/index.ts", ".gitignore"],
    });
    expect(await readFile(join(cwd, "src/index.ts"), "utf8")).toContain("export const handler");
  });

  it("names the templates when given another", async () => {
    const run = await runWith({}, ["init", "--template", "rust"], { cwd });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('error: there is no template "rust"\nhint: use --template workers or lambda\n');
  });
});
