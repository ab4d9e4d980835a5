// Test options every package shares: isolates only load in processes started with --no-node-snapshot.
export const sharedTestOptions = {
  include: ["src/**/*.test.ts"],
  pool: "forks" as const,
  poolOptions: { forks: { execArgv: ["--no-node-snapshot"] } },
  testTimeout: 30_000,
  hookTimeout: 60_000,
};
