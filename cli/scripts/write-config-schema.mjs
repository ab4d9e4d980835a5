// Writes cli/schemas/skiff.schema.json from the zod schema the CLI checks skiff.jsonc with (run after a build:
// `npm run schema -w cli`, which then formats it with Biome). A test fails while the committed file is out of date.
import { writeFile } from "node:fs/promises";
import { SCHEMA_FILE, skiffConfigJsonSchemaText } from "../dist/project/config/json-schema.js";

const path = new URL(`../${SCHEMA_FILE}`, import.meta.url);
await writeFile(path, skiffConfigJsonSchemaText());
console.log(`wrote ${path.pathname}`);
