import { defineConfig } from "vitest/config";

// One run over every package; each package's own vitest.config.ts holds its options.
export default defineConfig({
  test: {
    projects: ["core", "storage", "runtime", "scheduler", "gateway", "cli", "test", "bench"],
  },
});
