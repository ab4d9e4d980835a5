// Rewrites import specifiers in an ES module's text, so that each names its module exactly.
import { init, parse } from "es-module-lexer";

/**
 * Replaces the specifiers of static imports, re-exports and literal dynamic imports found in `replacements`
 * (old specifier → new one), leaving the rest of the text as it is. Expects syntactically valid JavaScript.
 */
export async function rewriteSpecifiers(
  source: string,
  replacements: ReadonlyMap<string, string>,
): Promise<string> {
  if (replacements.size === 0) return source;
  await init;
  const [imports] = parse(source);
  let output = "";
  let last = 0;
  for (const entry of imports) {
    if (entry.n === undefined) continue;
    const replacement = replacements.get(entry.n);
    if (replacement === undefined) continue;
    // A dynamic import's range includes the quotes, a static one's does not.
    const text = entry.d > -1 ? JSON.stringify(replacement) : replacement;
    output += source.slice(last, entry.s) + text;
    last = entry.e;
  }
  return output + source.slice(last);
}
