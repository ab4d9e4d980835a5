// `skiff init`: scaffolds a function project (skiff.jsonc, src/index.ts, .gitignore) to run with `skiff dev`.
import { relative, resolve } from "node:path";
import { CliError } from "../cli-error.js";
import { defineCommand } from "../command.js";
import { scaffoldProject } from "../project/init/scaffold-project.js";
import { TEMPLATES, type TemplateName } from "../project/init/templates.js";

export const initCommand = defineCommand({
  name: "init",
  summary: "Create a function project: skiff.jsonc, src/index.ts and .gitignore",
  usage: "skiff init [<dir>] [--template workers|lambda] [--name <name>]",
  description:
    "The workers template exports `default { fetch, scheduled }`; the lambda template exports an AWS Lambda\n" +
    "`handler`. skiff.jsonc names the function and its entry module and holds its vars and limits; editors\n" +
    "check it against the schema named by its $schema. Files already there are left alone unless --force.",
  positionals: [
    { name: "dir", description: "the project folder, created if needed (default: .)", required: false },
  ],
  options: {
    template: {
      type: "string",
      default: "workers",
      placeholder: "<template>",
      description: `what the function looks like: ${TEMPLATES.join(" or ")}`,
    },
    name: {
      type: "string",
      short: "n",
      placeholder: "<name>",
      description: "the function's name (default: the folder's name)",
    },
    force: { type: "boolean", description: "replace skiff.jsonc, src/index.ts and .gitignore if they exist" },
  },
  examples: [
    {
      description: "a Workers-style project in ./hello, then run it",
      command: "skiff init hello && cd hello && skiff dev",
    },
    { description: "an AWS Lambda handler in this folder", command: "skiff init --template lambda" },
  ],
  async run({ values, positionals, context }) {
    const template = values.template;
    if (!(TEMPLATES as readonly string[]).includes(template)) {
      throw new CliError(
        `there is no template ${JSON.stringify(template)}`,
        `use --template ${TEMPLATES.join(" or ")}`,
      );
    }
    const dir = resolve(context.cwd, positionals[0] ?? ".");
    const result = await scaffoldProject({
      dir,
      template: template as TemplateName,
      name: values.name,
      force: values.force,
    });
    if (values.json) {
      context.stdout(`${JSON.stringify(result)}\n`);
      return 0;
    }
    const where = relative(context.cwd, dir);
    const cd = where === "" ? "" : `  cd ${where.includes(" ") ? JSON.stringify(where) : where}\n`;
    context.stdout(
      `Created ${result.name} (${result.template}) in ${where || "."}: ${result.files.join(", ")}\n` +
        "Next:\n" +
        cd +
        "  skiff dev       # run it locally; edits redeploy, logs print here\n" +
        "  skiff deploy    # ship it to the server in SKIFF_URL\n",
    );
    return 0;
  },
});
