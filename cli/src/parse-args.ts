// Turns argv into a command's typed option values with node:util parseArgs, and errors a person can act on.
import { type ParseArgsConfig, parseArgs } from "node:util";
import { CliError } from "./cli-error.js";
import {
  type Command,
  type GlobalOptions,
  globalOptions,
  type OptionSpecs,
  type OptionValues,
} from "./command.js";

export interface ParsedArgs<O extends OptionSpecs> {
  values: OptionValues<O & GlobalOptions>;
  positionals: string[];
}

/**
 * Parses the arguments after the command name. Booleans default to false, repeatable options to [], strings
 * to their declared default. Missing positionals are not an error when `--help` is given.
 */
export function parseCommandArgs<O extends OptionSpecs>(command: Command<O>, argv: string[]): ParsedArgs<O> {
  const specs: OptionSpecs = { ...globalOptions, ...command.options };
  const options: NonNullable<ParseArgsConfig["options"]> = {};
  for (const [name, spec] of Object.entries(specs)) {
    options[name] = {
      type: spec.type,
      ...(spec.short === undefined ? {} : { short: spec.short }),
      ...(spec.multiple === undefined ? {} : { multiple: spec.multiple }),
    };
  }

  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(cleanParseError(error), `run \`skiff ${command.name} --help\` to see its options`);
  }

  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const given = parsed.values[name];
    if (given !== undefined) values[name] = given;
    else if (spec.type === "boolean") values[name] = false;
    else if (spec.multiple) values[name] = [];
    else values[name] = spec.default;
  }

  if (!values.help) checkPositionals(command, parsed.positionals);
  return { values: values as OptionValues<O & GlobalOptions>, positionals: parsed.positionals };
}

function checkPositionals(command: Command<OptionSpecs>, positionals: string[]): void {
  const required = command.positionals.filter((p) => p.required);
  const missing = required.slice(positionals.length)[0];
  if (missing !== undefined) {
    throw new CliError(
      `missing <${missing.name}>: ${missing.description}`,
      `usage: ${command.usage} (run \`skiff ${command.name} --help\` for examples)`,
    );
  }
  const extra = positionals.slice(command.positionals.length);
  if (extra.length > 0) {
    throw new CliError(
      `unexpected argument${extra.length > 1 ? "s" : ""}: ${extra.join(" ")}`,
      `usage: ${command.usage}; quote values that contain spaces`,
    );
  }
}

/** parseArgs messages carry advice for programmers ("To specify a positional argument…"); keep the first sentence. */
function cleanParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const first = message.split(/\.\s/)[0] ?? message;
  return first.replace(/\.$/, "");
}

/** Parses a whole-number option, e.g. `--memory 64`; `example` is a sensible value shown in the hint. */
export function parseIntegerOption(
  flag: string,
  value: string | undefined,
  example: number,
): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) {
    throw new CliError(
      `--${flag} must be a whole number, got ${JSON.stringify(value)}`,
      `e.g. --${flag} ${example}`,
    );
  }
  return Number(value.trim());
}

/** Parses repeated `--var KEY=VALUE` into an object; the value may contain '='. */
export function parseVars(pairs: string[]): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) {
      throw new CliError(`--var expects KEY=VALUE, got ${JSON.stringify(pair)}`, "e.g. --var GREETING=hello");
    }
    vars[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return vars;
}
