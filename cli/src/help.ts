// Help text, generated from the command definitions so it cannot drift from what is parsed.
import { type Command, globalOptions, type OptionSpec, type OptionSpecs } from "./command.js";

/** `skiff --help`: every command with its one-line summary. */
export function renderOverview(commands: readonly Command<OptionSpecs>[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = [
    "skiff: run small JavaScript functions on V8 isolates, on your own machine",
    "",
    "Usage: skiff <command> [options]",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Run `skiff <command> --help` for a command's options and examples.",
    "Every command accepts --json for machine-readable output.",
    "",
  ];
  return lines.join("\n");
}

/** `skiff bucket`: the verbs of one noun with their summaries. */
export function renderGroupHelp(noun: string, group: readonly Command<OptionSpecs>[]): string {
  const width = Math.max(...group.map((c) => c.name.length));
  const lines = [
    `Usage: skiff ${noun} <command> [options]`,
    "",
    "Commands:",
    ...group.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    `Run \`skiff ${noun} <command> --help\` for a command's options and examples.`,
    "",
  ];
  return lines.join("\n");
}

/** `skiff <command> --help`: usage, arguments, options with defaults, examples. */
export function renderCommandHelp(command: Command<OptionSpecs>): string {
  const lines = [command.summary, "", `Usage: ${command.usage}`, ""];
  if (command.description) lines.push(command.description, "");

  if (command.positionals.length > 0) {
    lines.push("Arguments:");
    const width = Math.max(...command.positionals.map((p) => p.name.length + 2));
    for (const p of command.positionals) {
      lines.push(`  ${`<${p.name}>`.padEnd(width)}  ${p.description}${p.required ? "" : " (optional)"}`);
    }
    lines.push("");
  }

  const options = Object.entries({ ...command.options, ...globalOptions } as OptionSpecs);
  const labels = options.map(([name, spec]) => optionLabel(name, spec));
  const width = Math.max(...labels.map((l) => l.length));
  lines.push("Options:");
  options.forEach(([, spec], i) => {
    const suffix = spec.default === undefined ? "" : ` (default: ${spec.default})`;
    const repeat = spec.multiple ? " (repeatable)" : "";
    lines.push(`  ${(labels[i] ?? "").padEnd(width)}  ${spec.description}${suffix}${repeat}`);
  });
  lines.push("");

  if (command.examples.length > 0) {
    lines.push("Examples:");
    for (const example of command.examples)
      lines.push(`  # ${example.description}`, `  ${example.command}`, "");
  }
  return lines.join("\n");
}

function optionLabel(name: string, spec: OptionSpec): string {
  const short = spec.short === undefined ? "    " : `-${spec.short}, `;
  const value = spec.type === "string" ? ` ${spec.placeholder ?? "<value>"}` : "";
  return `${short}--${name}${value}`;
}
