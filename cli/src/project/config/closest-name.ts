// "Did you mean …?": the known name nearest to a mistyped one, by edit distance.

/**
 * Edit distance counting insertions, deletions, substitutions and swaps of two neighbouring characters (the
 * "optimal string alignment" distance), so `nmae` is one edit from `name`, as a person would count it.
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i]);
  const at = (i: number, j: number): number => (i === 0 ? j : (rows[i]?.[j] ?? Number.POSITIVE_INFINITY));
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      row[j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The candidate closest to `word` (case and `-`/`_` ignored), if it is close enough to be a typo: at most a third
 * of the word's length away, and at least one edit within reach for short words.
 *
 * @example
 * closestName("trigers", ["name", "triggers", "vars"]); // "triggers"
 * closestName("colour", ["name", "vars"]);              // undefined
 */
export function closestName(word: string, candidates: readonly string[]): string | undefined {
  const normal = (s: string) => s.toLowerCase().replace(/[-_]/g, "");
  const target = normal(word);
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = normal(name) === target ? 0 : editDistance(target, normal(name));
    if (best === undefined || distance < best.distance) best = { name, distance };
  }
  if (best === undefined) return undefined;
  const allowed = Math.max(1, Math.floor(word.length / 3));
  return best.distance <= allowed ? best.name : undefined;
}
