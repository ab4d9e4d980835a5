// The scenarios `--profile` can run, each kept in its own section of BENCHMARKS.md.
export type ProfileTarget = "warm" | "cold" | "async";
export const PROFILE_TARGETS: readonly ProfileTarget[] = ["warm", "cold", "async"];
