// What a version's code holds (main module, module paths, types, sizes), so the API can show it without the blob.
import type { Migration } from "../migrate.js";

export const versionCodeSummary: Migration = {
  version: 3,
  name: "version-code-summary",
  // NULL for versions deployed before: their blob is one ES module, which reading the row reports.
  sql: `
ALTER TABLE versions ADD COLUMN code_summary TEXT CHECK (code_summary IS NULL OR json_valid(code_summary));
`,
};
