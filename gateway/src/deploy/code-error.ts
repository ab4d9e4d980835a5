// INVALID_CODE errors that say where: the module path, line and column, and the compiler's own words.
import { SkiffError } from "@skiff/core";

export interface CodeLocation {
  /** Module path as uploaded, e.g. `lib/util.ts`. */
  file: string;
  line?: number | undefined;
  column?: number | undefined;
}

/**
 * `lib/util.ts: message (line 3, column 7)`, in the words the runtime's compile errors use, with the same parts
 * in `details` for machines; `more` lists further problems (details only).
 */
export function codeError(
  location: CodeLocation,
  message: string,
  more: Array<CodeLocation & { message: string }> = [],
): SkiffError {
  const details: Record<string, unknown> = { file: location.file, message };
  if (location.line !== undefined) details.line = location.line;
  if (location.column !== undefined) details.column = location.column;
  if (more.length > 0) details.others = more;
  return new SkiffError("INVALID_CODE", `${location.file}: ${message}${where(location)}`, { details });
}

function where({ line, column }: CodeLocation): string {
  if (line === undefined) return "";
  return column === undefined ? ` (line ${line})` : ` (line ${line}, column ${column})`;
}
