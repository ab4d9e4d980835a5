import { describe, expect, it } from "vitest";
import { CliError } from "../cli-error.js";
import { parseSecretOptions } from "./secret-options.js";

describe("parseSecretOptions", () => {
  it("reads NAME=VALUE pairs, values with '=' and empty values included", () => {
    expect(parseSecretOptions(["A=1", "TOKEN=a=b=c", "EMPTY="])).toEqual({
      A: "1",
      TOKEN: "a=b=c",
      EMPTY: "",
    });
    expect(parseSecretOptions([])).toEqual({});
  });

  it.each([
    ["hunter2", "no '='"],
    ["=hunter2", "an empty name"],
  ])("refuses %j without printing the value", (pair, message) => {
    let error: unknown;
    try {
      parseSecretOptions([pair]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toContain(message);
    expect((error as CliError).message).not.toContain("hunter2");
  });

  it("refuses a name that is not an env var name", () => {
    expect(() => parseSecretOptions(["MY-TOKEN=x"])).toThrow(
      '--secret "MY-TOKEN" is not a valid secret name',
    );
  });
});
