import { describe, expect, it } from "vitest";
import { SkiffError } from "./errors.js";
import { type FilterPolicy, matchesFilterPolicy, parseFilterPolicy } from "./filter-policy.js";
import type { MessageAttributes } from "./message-attributes.js";

type Case = [what: string, policy: unknown, attributes: MessageAttributes, matches: boolean];

const CASES: Case[] = [
  ["exact string", { color: ["red"] }, { color: "red" }, true],
  ["exact string, other value", { color: ["red"] }, { color: "blue" }, false],
  ["exact string, attribute absent", { color: ["red"] }, {}, false],
  ["exact: any value of the list", { color: ["red", "blue"] }, { color: "blue" }, true],
  ["exact string is not a number", { size: ["12"] }, { size: 12 }, false],
  ["exact number", { size: [12] }, { size: 12 }, true],
  ["exact number is not a string", { size: [12] }, { size: "12" }, false],
  ["exact is case-sensitive", { color: ["red"] }, { color: "Red" }, false],
  ["String.Array: one element matches", { tags: ["b"] }, { tags: ["a", "b"] }, true],
  ["String.Array: no element matches", { tags: ["c"] }, { tags: ["a", "b"] }, false],
  ["prefix", { store: [{ prefix: "eu-" }] }, { store: "eu-west" }, true],
  ["prefix, other start", { store: [{ prefix: "eu-" }] }, { store: "us-east" }, false],
  ["prefix on a number never matches", { store: [{ prefix: "1" }] }, { store: 12 }, false],
  ["numeric =", { n: [{ numeric: ["=", 5] }] }, { n: 5 }, true],
  ["numeric = other", { n: [{ numeric: ["=", 5] }] }, { n: 5.5 }, false],
  ["numeric <", { n: [{ numeric: ["<", 5] }] }, { n: 4.9 }, true],
  ["numeric < at the bound", { n: [{ numeric: ["<", 5] }] }, { n: 5 }, false],
  ["numeric <= at the bound", { n: [{ numeric: ["<=", 5] }] }, { n: 5 }, true],
  ["numeric >", { n: [{ numeric: [">", 5] }] }, { n: 6 }, true],
  ["numeric >=", { n: [{ numeric: [">=", 5] }] }, { n: 4 }, false],
  ["numeric range inside", { n: [{ numeric: [">", 10, "<=", 20] }] }, { n: 20 }, true],
  ["numeric range at the open end", { n: [{ numeric: [">", 10, "<=", 20] }] }, { n: 10 }, false],
  ["numeric range above", { n: [{ numeric: [">=", 10, "<", 20] }] }, { n: 20 }, false],
  ["numeric on a string never matches", { n: [{ numeric: [">", 1] }] }, { n: "5" }, false],
  ["anything-but a value", { kind: [{ "anything-but": "test" }] }, { kind: "prod" }, true],
  ["anything-but that value", { kind: [{ "anything-but": "test" }] }, { kind: "test" }, false],
  ["anything-but a list", { kind: [{ "anything-but": ["a", "b"] }] }, { kind: "b" }, false],
  ["anything-but a list, other", { kind: [{ "anything-but": ["a", "b"] }] }, { kind: "c" }, true],
  ["anything-but needs the attribute", { kind: [{ "anything-but": ["a"] }] }, {}, false],
  ["anything-but a number", { n: [{ "anything-but": [1, 2] }] }, { n: 2 }, false],
  ["anything-but a prefix", { s: [{ "anything-but": { prefix: "tmp-" } }] }, { s: "tmp-1" }, false],
  ["anything-but a prefix, other", { s: [{ "anything-but": { prefix: "tmp-" } }] }, { s: "x" }, true],
  ["anything-but on an array", { tags: [{ "anything-but": ["a"] }] }, { tags: ["b", "a"] }, false],
  ["exists true, present", { p: [{ exists: true }] }, { p: "x" }, true],
  ["exists true, absent", { p: [{ exists: true }] }, {}, false],
  ["exists false, absent", { p: [{ exists: false }] }, { q: 1 }, true],
  ["exists false, present", { p: [{ exists: false }] }, { p: 1 }, false],
  ["AND across names", { color: ["red"], size: [{ numeric: [">", 1] }] }, { color: "red", size: 0 }, false],
  [
    "AND across names, both",
    { color: ["red"], size: [{ numeric: [">", 1] }] },
    { color: "red", size: 2 },
    true,
  ],
  ["OR within a name", { color: ["red", { prefix: "bl" }] }, { color: "black" }, true],
  ["extra attributes do not matter", { color: ["red"] }, { color: "red", other: "x" }, true],
  ["a name on the prototype is not an attribute", { toString: [{ exists: true }] }, {}, false],
];

describe("filter policies", () => {
  it.each(CASES)("%s", (_what, policy, attributes, matches) => {
    expect(matchesFilterPolicy(parseFilterPolicy(policy), attributes)).toBe(matches);
  });

  it("lets everything through without a policy", () => {
    expect(matchesFilterPolicy(null, {})).toBe(true);
    expect(matchesFilterPolicy(undefined, { a: "b" })).toBe(true);
  });

  const BAD: Array<[what: string, policy: unknown]> = [
    ["not an object", ["red"]],
    ["null", null],
    ["empty", {}],
    ["a name without conditions", { color: [] }],
    ["conditions not a list", { color: "red" }],
    ["an unknown operator", { color: [{ suffix: "d" }] }],
    ["a prefix that is empty", { color: [{ prefix: "" }] }],
    ["numeric with a bad operator", { n: [{ numeric: ["!=", 1] }] }],
    ["numeric range upside down", { n: [{ numeric: [">", 20, "<", 10] }] }],
    ["numeric range in the wrong order", { n: [{ numeric: ["<", 20, ">", 10] }] }],
    ["a boolean value", { flag: [true] }],
    ["six names", { a: [1], b: [1], c: [1], d: [1], e: [1], f: [1] }],
    ["151 values", { a: Array.from({ length: 151 }, (_, i) => i) }],
    ["an extra key beside prefix", { color: [{ prefix: "a", other: 1 }] }],
    ["a bad attribute name", { "a b": ["x"] }],
    ["__proto__", JSON.parse('{"__proto__": ["x"]}')],
  ];

  it.each(BAD)("refuses %s with INVALID_REQUEST", (_what, policy) => {
    let error: unknown;
    try {
      parseFilterPolicy(policy);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SkiffError);
    expect((error as SkiffError).code).toBe("INVALID_REQUEST");
  });

  it("returns the policy as given, for storage", () => {
    const policy: FilterPolicy = { color: ["red", { prefix: "bl" }], n: [{ numeric: [">=", 1, "<", 2] }] };
    expect(parseFilterPolicy(policy)).toEqual(policy);
  });
});
