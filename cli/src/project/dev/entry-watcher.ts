// Rebuilds a function's bundle whenever one of its source files changes (esbuild's watch mode), with the same
// options `skiff deploy` bundles with, and hands each build, or its errors, to the caller.
import { context, type Plugin } from "esbuild";
import { type BundleResult, bundleError, bundleOptions, bundleResult } from "../../deploy/bundle.js";

export type BuildOutcome = { ok: true; bundle: BundleResult } | { ok: false; error: unknown };

export interface EntryWatcher {
  /** Stops watching; a build in progress is abandoned. */
  dispose(): Promise<void>;
}

/**
 * Builds once at once, then after every change to a file the bundle holds.
 *
 * @example
 * const watcher = await watchEntry("/app/src/index.ts", "/app", (outcome) => outcome.ok && deploy(outcome.bundle));
 * await watcher.dispose();
 */
export async function watchEntry(
  entry: string,
  workingDir: string,
  onBuild: (outcome: BuildOutcome) => void,
): Promise<EntryWatcher> {
  const report: Plugin = {
    name: "skiff-dev",
    setup(build) {
      build.onEnd((result) => {
        if (result.errors.length > 0) {
          onBuild({ ok: false, error: bundleError(result, workingDir) });
          return;
        }
        try {
          const bundle = bundleResult(
            result.outputFiles ?? [],
            result.metafile ?? { inputs: {}, outputs: {} },
            entry,
            workingDir,
          );
          onBuild({ ok: true, bundle });
        } catch (error) {
          onBuild({ ok: false, error });
        }
      });
    },
  };
  const builder = await context({ ...bundleOptions(entry, workingDir), plugins: [report] });
  await builder.watch();
  return { dispose: () => builder.dispose() };
}
