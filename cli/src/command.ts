// The shape of a CLI command: commands are data (name, options, examples, run) so help and parsing are generic.
import type { Readable } from "node:stream";
import type { SkiffApi } from "./api-client.js";
import type { ClientSettings } from "./client-settings.js";

export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  /** Default of a string option, applied when the option is absent and shown in help. */
  default?: string;
  /** How the value is shown in help, e.g. `<MB>`. */
  placeholder?: string;
  description: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

/** The parsed value type of each option: booleans default to false, repeatable options to []. */
export type OptionValues<O extends OptionSpecs> = {
  [K in keyof O]: O[K]["type"] extends "boolean"
    ? boolean
    : O[K]["multiple"] extends true
      ? string[]
      : O[K] extends { default: string }
        ? string
        : string | undefined;
};

export interface PositionalSpec {
  name: string;
  description: string;
  required: boolean;
}

export interface Example {
  command: string;
  description: string;
}

/** What a command may touch: passed in so tests can run commands without a process or a network. */
export interface CommandContext {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  stdout(data: string | Uint8Array): void;
  /** stdout is a terminal (pretty output) rather than a pipe or file (machine output); absent means not. */
  stdoutIsTerminal?: boolean;
  stderr(text: string): void;
  /** stderr is a terminal: progress lines are drawn there only then (absent: not a terminal). */
  stderrIsTTY?: boolean;
  /** The bytes piped in (`skiff object put b k -`); only read by commands told to. */
  stdin(): Readable;
  /**
   * Resolves with the signal's name when the process is asked to stop. Only long-running commands call it, so
   * Ctrl-C keeps its default meaning for the others.
   */
  waitForStop(): Promise<string>;
  createClient(settings: ClientSettings): SkiffApi;
}

/** Options every command accepts. */
export const globalOptions = {
  json: { type: "boolean", description: "print machine-readable JSON on stdout" },
  help: { type: "boolean", short: "h", description: "show this help" },
} as const satisfies OptionSpecs;

export type GlobalOptions = typeof globalOptions;

export interface CommandInput<O extends OptionSpecs> {
  values: OptionValues<O & GlobalOptions>;
  positionals: string[];
  context: CommandContext;
}

export interface Command<O extends OptionSpecs = OptionSpecs> {
  /** One word (`deploy`), or noun and verb (`bucket create`). */
  name: string;
  summary: string;
  usage: string;
  description?: string;
  positionals: PositionalSpec[];
  options: O;
  examples: Example[];
  /** Returns the process exit code. */
  run(input: CommandInput<O>): Promise<number>;
}

/** Declares a command with its option types inferred from `options`. */
export function defineCommand<const O extends OptionSpecs>(command: Command<O>): Command<O> {
  return command;
}
