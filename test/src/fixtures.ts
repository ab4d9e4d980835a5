// Reads the tiny function sources under test/fixtures and examples/.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./skiff-server.js";

export function fixture(name: string): string {
  return readFileSync(join(REPO_ROOT, "test", "fixtures", name), "utf8");
}

export function example(name: string): string {
  return readFileSync(join(REPO_ROOT, "examples", name), "utf8");
}
