// Function sources for scenarios that deploy many functions: each variant is distinct text, so that no two
// share a content hash or a compile-cache entry (every cold start compiles its own code).

/** The hello module with a comment that makes its text unique. */
export function helloVariant(hello: string, variant: string): string {
  return `// variant ${variant}\n${hello}`;
}

/**
 * An ES module of about `bytes` bytes of real code (functions and data tables, as a bundled dependency tree
 * looks), whose fetch handler answers like the hello world.
 */
export function bundleOfSize(bytes: number, seed: string): string {
  const parts: string[] = [`// bundle ${seed}\n`];
  let size = parts[0]?.length ?? 0;
  for (let i = 0; size < bytes - 400; i++) {
    const part =
      `const table${i} = [${Array.from({ length: 16 }, (_, j) => `"${seed}-${i}-${j}"`).join(", ")}];\n` +
      `export function pick${i}(n) {\n  const value = table${i}[n % table${i}.length];\n` +
      `  return value.length > ${i % 50} ? value.toUpperCase() : value + "${i}";\n}\n`;
    parts.push(part);
    size += part.length;
  }
  parts.push(
    "export default {\n  async fetch() {\n" +
      '    return new Response(pick0(1) + "\\n", { headers: { "content-type": "text/plain; charset=utf-8" } });\n' +
      "  },\n};\n",
  );
  return parts.join("");
}
