import { transform } from "esbuild";
import { describe, expect, it } from "vitest";
import { createStackMapper } from "./stack-mapper.js";

describe("createStackMapper", () => {
  it("maps positions in transformed modules back to the uploaded TypeScript", async () => {
    const source = [
      "interface Input { n: number }",
      "",
      "export function fail(input: Input): never {",
      '  throw new Error("bad " + input.n);',
      "}",
    ].join("\n");
    const out = await transform(source, {
      loader: "ts",
      format: "esm",
      sourcemap: "external",
      sourcefile: "lib/fail.ts",
    });
    const jsLines = out.code.split("\n");
    const line = jsLines.findIndex((l) => l.includes("throw new Error")) + 1;
    const column = (jsLines[line - 1]?.indexOf("throw") ?? 0) + 1;
    const map = createStackMapper({
      main: "lib/fail.js",
      modules: { "lib/fail.js": { type: "esm", content: out.code, sourceMap: out.map } },
    });
    expect(map(`Error: bad 1\n    at fail (file:///lib/fail.js:${line}:${column})`)).toBe(
      "Error: bad 1\n    at fail (lib/fail.ts:4:3)",
    );
  });

  it("shortens module URLs and leaves unknown files alone", () => {
    const map = createStackMapper({
      main: "index.js",
      modules: { "index.js": { type: "esm", content: "" } },
    });
    expect(map("at x (file:///index.js:3:5) at y (file:///other.js:1:1)")).toBe(
      "at x (index.js:3:5) at y (file:///other.js:1:1)",
    );
    expect(map("no locations")).toBe("no locations");
  });
});
