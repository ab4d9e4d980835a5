import { describe, expect, it } from "vitest";
import { CliError } from "./cli-error.js";
import { defineCommand } from "./command.js";
import { parseCommandArgs, parseIntegerOption, parseVars } from "./parse-args.js";

const sample = defineCommand({
  name: "sample",
  summary: "a command for tests",
  usage: "skiff sample <file> [options]",
  positionals: [{ name: "file", description: "a file", required: true }],
  options: {
    name: { type: "string", short: "n", description: "a name" },
    port: { type: "string", default: "8787", description: "a port" },
    var: { type: "string", multiple: true, description: "a var" },
    force: { type: "boolean", description: "a flag" },
  },
  examples: [],
  run: async () => 0,
});

function errorOf(fn: () => unknown): CliError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error("expected a CliError");
}

describe("parseCommandArgs", () => {
  it("fills defaults: booleans false, repeatables [], strings their default", () => {
    const { values, positionals } = parseCommandArgs(sample, ["a.js"]);
    expect(positionals).toEqual(["a.js"]);
    expect(values).toEqual({
      name: undefined,
      port: "8787",
      var: [],
      force: false,
      json: false,
      help: false,
    });
  });

  it("reads long, short, repeated and global options in any order", () => {
    const { values, positionals } = parseCommandArgs(sample, [
      "--var",
      "A=1",
      "-n",
      "hello",
      "a.js",
      "--var=B=2",
      "--json",
      "--port",
      "0",
    ]);
    expect(positionals).toEqual(["a.js"]);
    expect(values.name).toBe("hello");
    expect(values.var).toEqual(["A=1", "B=2"]);
    expect(values.json).toBe(true);
    expect(values.port).toBe("0");
  });

  it("names the unknown option and points at --help", () => {
    const error = errorOf(() => parseCommandArgs(sample, ["a.js", "--nmae", "x"]));
    expect(error.message).toContain("--nmae");
    expect(error.hint).toBe("run `skiff sample --help` to see its options");
  });

  it("refuses a string option without its value", () => {
    const error = errorOf(() => parseCommandArgs(sample, ["a.js", "--name"]));
    expect(error.message).toContain("--name");
  });

  it("says which positional is missing, with the usage", () => {
    const error = errorOf(() => parseCommandArgs(sample, ["--force"]));
    expect(error.message).toBe("missing <file>: a file");
    expect(error.hint).toContain("usage: skiff sample <file> [options]");
  });

  it("refuses extra positionals", () => {
    const error = errorOf(() => parseCommandArgs(sample, ["a.js", "b.js", "c.js"]));
    expect(error.message).toBe("unexpected arguments: b.js c.js");
  });

  it("does not require positionals when --help is given", () => {
    expect(parseCommandArgs(sample, ["--help"]).values.help).toBe(true);
    expect(parseCommandArgs(sample, ["-h"]).values.help).toBe(true);
  });
});

describe("parseIntegerOption", () => {
  it("parses whole numbers and passes absence through", () => {
    expect(parseIntegerOption("memory", "64", 128)).toBe(64);
    expect(parseIntegerOption("memory", "0", 128)).toBe(0);
    expect(parseIntegerOption("memory", undefined, 128)).toBeUndefined();
  });

  it.each(["", "abc", "1.5", "-3", "12MB", "1e3"])("refuses %j", (value) => {
    const error = errorOf(() => parseIntegerOption("memory", value, 128));
    expect(error.message).toBe(`--memory must be a whole number, got ${JSON.stringify(value)}`);
    expect(error.hint).toBe("e.g. --memory 128");
  });
});

describe("parseVars", () => {
  it("splits on the first '=' so values may contain '='", () => {
    expect(parseVars(["A=1", "URL=https://x/?a=b", "EMPTY="])).toEqual({
      A: "1",
      URL: "https://x/?a=b",
      EMPTY: "",
    });
  });

  it.each(["NOVALUE", "=x"])("refuses %j", (pair) => {
    expect(errorOf(() => parseVars([pair])).message).toBe(
      `--var expects KEY=VALUE, got ${JSON.stringify(pair)}`,
    );
  });
});
