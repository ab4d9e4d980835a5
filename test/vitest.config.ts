import { defineProject } from "vitest/config";
import { sharedTestOptions } from "../vitest.shared.js";

export default defineProject({
  test: {
    name: "test",
    ...sharedTestOptions,
    include: [...sharedTestOptions.include, "conformance/**/*.test.ts", "adversarial/**/*.test.ts"],
  },
});
