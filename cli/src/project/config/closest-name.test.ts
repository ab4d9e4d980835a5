import { describe, expect, it } from "vitest";
import { closestName, editDistance } from "./closest-name.js";

describe("editDistance", () => {
  it.each([
    ["", "", 0],
    ["abc", "", 3],
    ["", "abc", 3],
    ["kitten", "sitting", 3],
    ["triggers", "trigers", 1],
    ["crons", "corns", 1],
    ["nmae", "name", 1],
    ["ca", "abc", 3],
    ["same", "same", 0],
  ])("%s → %s is %i", (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
  });
});

describe("closestName", () => {
  const fields = ["name", "main", "vars", "triggers", "kv_namespaces", "r2_buckets", "compatibility_date"];
  it.each([
    ["trigers", "triggers"],
    ["Triggers", "triggers"],
    ["kv-namespaces", "kv_namespaces"],
    ["kvnamespaces", "kv_namespaces"],
    ["r2_bucket", "r2_buckets"],
    ["compatability_date", "compatibility_date"],
    ["nmae", "name"],
  ])("suggests %s → %s", (typo, expected) => {
    expect(closestName(typo, fields)).toBe(expected);
  });

  it("suggests nothing for a word far from every name", () => {
    expect(closestName("durable_objects", fields)).toBeUndefined();
    expect(closestName("x", fields)).toBeUndefined();
    expect(closestName("name", [])).toBeUndefined();
  });
});
