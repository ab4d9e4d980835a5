// TypeScript to an ES module at deploy, with esbuild (its own process: tenant code is never run here).
import { type Message, transform } from "esbuild";
import { codeError } from "./code-error.js";

export interface TransformedModule {
  code: string;
  /** Source map (JSON text) from the output back to the uploaded file, for stack traces. */
  sourceMap: string;
}

/**
 * Strips types (no type checking: esbuild's `transform`, as `wrangler` does) and answers INVALID_CODE with the
 * file, line and esbuild's message for a syntax error.
 *
 * @example
 * const { code, sourceMap } = await transformTypeScript("index.ts", "export default { fetch(): Response { … } }");
 */
export async function transformTypeScript(
  path: string,
  source: string,
  loader: "ts" | "tsx" = "ts",
): Promise<TransformedModule> {
  try {
    const result = await transform(source, {
      loader,
      format: "esm",
      target: "esnext",
      sourcemap: "external",
      sourcefile: path,
      // The map only has to point back to lines; the source is already the uploaded file.
      sourcesContent: false,
      logLevel: "silent",
    });
    return { code: result.code, sourceMap: result.map };
  } catch (error) {
    throw fromEsbuildFailure(path, error);
  }
}

/** Turns esbuild's failure (errors with locations) into INVALID_CODE naming the first error's place. */
export function fromEsbuildFailure(path: string, error: unknown): Error {
  const errors = (error as { errors?: Message[] }).errors;
  const [first, ...rest] = Array.isArray(errors) ? errors : [];
  if (first === undefined) return error instanceof Error ? error : new Error(String(error));
  const locate = (message: Message) => ({
    file: message.location?.file ? stripNamespace(message.location.file) : path,
    line: message.location?.line,
    // esbuild counts columns from 0, people and V8 from 1.
    column:
      message.location === null || message.location === undefined ? undefined : message.location.column + 1,
  });
  return codeError(
    locate(first),
    first.text,
    rest.slice(0, 9).map((m) => ({ ...locate(m), message: m.text })),
  );
}

/** esbuild names files of plugin namespaces `namespace:path`; people want the path. */
function stripNamespace(file: string): string {
  const colon = file.indexOf(":");
  return colon > 0 && !file.slice(0, colon).includes("/") ? file.slice(colon + 1) : file;
}
