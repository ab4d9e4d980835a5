// How the harness and the CPU-profile preload agree: the directory for profiles, and the signal that starts them.
export const PROFILE_DIR_ENV = "SKIFF_BENCH_CPU_PROFILE_DIR";
export const PROFILE_START_SIGNAL = "SIGUSR2";
