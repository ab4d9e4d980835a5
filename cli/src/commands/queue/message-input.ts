// Message bodies and attributes as people type them on the command line, for `queue send` and `topic publish`.
import { CliError } from "../../cli-error.js";
import type { MessageAttributeInput } from "../../queue-types.js";

/** The body: JSON unless `text` says to send the argument as a string. */
export function parseBody(argument: string, text: boolean, what: string): unknown {
  if (text) return argument;
  try {
    return JSON.parse(argument) as unknown;
  } catch {
    throw new CliError(
      `the ${what} is not JSON: ${argument.length > 60 ? `${argument.slice(0, 60)}…` : argument}`,
      `quote JSON (e.g. '{"n":1}'), or add --text to send it as a plain string`,
    );
  }
}

/**
 * Repeated `--attribute name=value`: a value that is a number becomes a Number attribute, one that starts with
 * `[` a JSON list (String.Array), anything else a string.
 */
export function parseAttributes(pairs: string[]): Record<string, MessageAttributeInput> | undefined {
  if (pairs.length === 0) return undefined;
  const attributes: Record<string, MessageAttributeInput> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) {
      throw new CliError(
        `--attribute ${pair} is not name=value`,
        "e.g. --attribute color=red --attribute size=12",
      );
    }
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (value.startsWith("[")) {
      let list: unknown;
      try {
        list = JSON.parse(value);
      } catch {
        throw new CliError(
          `--attribute ${name}: ${value} is not a JSON list`,
          `e.g. --attribute ${name}='["a","b"]'`,
        );
      }
      attributes[name] = list as MessageAttributeInput;
    } else if (value.trim() !== "" && Number.isFinite(Number(value))) {
      attributes[name] = Number(value);
    } else {
      attributes[name] = value;
    }
  }
  return attributes;
}
