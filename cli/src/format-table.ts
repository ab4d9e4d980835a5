// Aligned columns for a terminal: a header row, then one row per item, two spaces between columns.

/**
 * @example
 * formatTable(["NAME", "SIZE"], [["a.txt", "5"]]) // "NAME   SIZE\na.txt  5\n"
 */
export function formatTable(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? "").length)));
  const lines = all.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd(),
  );
  return `${lines.join("\n")}\n`;
}

/**
 * Text as a cell shows it: as is when it is plain, else JSON-quoted so that control characters (a NUL, a
 * newline) and edge spaces are visible instead of breaking the terminal or the columns.
 */
export function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  return /[\u0000-\u001f\u007f]|^\s|\s$|^$|^"/.test(text) ? JSON.stringify(text) : text;
}
