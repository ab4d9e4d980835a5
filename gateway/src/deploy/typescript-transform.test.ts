import { SkiffError } from "@skiff/core";
import { describe, expect, it } from "vitest";
import { transformTypeScript } from "./typescript-transform.js";

describe("transformTypeScript", () => {
  it("strips types to an ES module with a source map back to the file", async () => {
    const result = await transformTypeScript(
      "src/index.ts",
      "interface Env { NAME: string }\nexport default { fetch(_r: Request, env: Env): Response { return new Response(env.NAME) } };\n",
    );
    expect(result.code).not.toContain("interface");
    expect(result.code).not.toContain(": Env");
    expect(result.code).toMatch(/export \{\s*\w+ as default\s*\}/);
    const map = JSON.parse(result.sourceMap);
    expect(map).toMatchObject({ version: 3, sources: ["src/index.ts"] });
    expect(map.mappings).not.toBe("");
    expect(map.sourcesContent).toBeUndefined();
  });

  it("keeps imports as written and drops type-only ones", async () => {
    const result = await transformTypeScript(
      "a.ts",
      'import type { T } from "./types.js";\nimport { f } from "./f.js";\nexport const x: T = f();\n',
    );
    expect(result.code).toContain('from "./f.js"');
    expect(result.code).not.toContain("./types.js");
  });

  it("turns TSX into calls", async () => {
    const result = await transformTypeScript("v.tsx", "export const v = (n: number) => <b>{n}</b>;", "tsx");
    expect(result.code).toContain("React.createElement");
  });

  it("answers INVALID_CODE with file, line, column and esbuild's message", async () => {
    const error = await transformTypeScript("lib/bad.ts", "const a: number = 1;\nconst b = (;\n").catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(SkiffError);
    expect(error.code).toBe("INVALID_CODE");
    expect(error.message).toBe('lib/bad.ts: Unexpected ";" (line 2, column 12)');
    expect(error.details).toEqual({ file: "lib/bad.ts", line: 2, column: 12, message: 'Unexpected ";"' });
  });
});
