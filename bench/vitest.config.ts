import { defineProject } from "vitest/config";
import { sharedTestOptions } from "../vitest.shared.js";

// The smoke test starts every peer and Skiff with tiny durations; that takes longer than a unit test.
export default defineProject({
  test: { name: "bench", ...sharedTestOptions, testTimeout: 300_000, hookTimeout: 120_000 },
});
