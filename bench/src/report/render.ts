// Tables as aligned text for the terminal and as GitHub Markdown for BENCHMARKS.md.
import type { Table } from "./tables.js";

export function renderText(tables: Table[]): string {
  const out: string[] = [];
  for (const table of tables) {
    const widths = table.header.map((h, i) =>
      Math.max(h.length, ...table.rows.map((row) => (row[i] ?? "").length)),
    );
    const line = (cells: string[]) =>
      cells
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd();
    out.push(`== ${table.title}`, line(table.header), line(widths.map((w) => "-".repeat(w))));
    for (const row of table.rows) out.push(line(row));
    for (const note of table.notes ?? []) out.push(`   ${note}`);
    out.push("");
  }
  return out.join("\n");
}

const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");

export function renderMarkdown(tables: Table[]): string {
  const out: string[] = [];
  for (const table of tables) {
    out.push(`## ${table.title}`, "");
    out.push(`| ${table.header.map(cell).join(" | ")} |`);
    out.push(`|${table.header.map(() => "---").join("|")}|`);
    for (const row of table.rows) out.push(`| ${row.map(cell).join(" | ")} |`);
    if ((table.notes ?? []).length > 0) out.push("");
    for (const note of table.notes ?? []) out.push(`- ${note}`);
    out.push("");
  }
  return out.join("\n");
}
