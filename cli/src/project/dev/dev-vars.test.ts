import { describe, expect, it } from "vitest";
import { parseDevVars } from "./dev-vars.js";

describe("parseDevVars", () => {
  it.each([
    ["A=1", { A: "1" }],
    ['TOKEN="a b=c"', { TOKEN: "a b=c" }],
    ["KEY='x\\ny'", { KEY: "x\\ny" }],
    ['MULTI="x\\ny"', { MULTI: "x\ny" }],
    ["export DEBUG=1 # on", { DEBUG: "1" }],
    ["# only a comment\n\nEMPTY=", { EMPTY: "" }],
    ["A=1\r\nB=2\r\n", { A: "1", B: "2" }],
  ])("%j", (text, expected) => {
    expect(parseDevVars(text)).toEqual(expected);
  });

  it("names the line that is not NAME=value", () => {
    expect(() => parseDevVars("A=1\nnot a pair\n")).toThrow(
      '.dev.vars:2: expected NAME=value, got "not a pair"',
    );
    expect(() => parseDevVars("1ABC=x")).toThrow(".dev.vars:1:");
    expect(() => parseDevVars("__proto__=x")).toThrow(".dev.vars:1:");
  });
});
