// A spinner line on stderr for work a person waits on (bundling, uploading), drawn only on a terminal so that
// logs and pipes never see it.
import type { CommandContext } from "./command.js";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
/** Work shorter than this draws nothing, so quick steps do not flicker. */
const FIRST_DRAW_MS = 200;
const FRAME_MS = 80;
/** Erases the current terminal line and returns to its start. */
const CLEAR_LINE = "\r\x1b[2K";

export interface Progress {
  /**
   * Runs `work` while a spinner labelled `label` turns, with the seconds spent once there is one to show; the line
   * is erased when the work ends, however it ends.
   */
  run<T>(label: string, work: () => Promise<T>): Promise<T>;
}

export interface ProgressOptions {
  /** Off: `run` only runs the work. */
  enabled: boolean;
  write(text: string): void;
  now?: () => number;
}

/**
 * @example
 * const progress = progressFor(context);
 * const bundle = await progress.run("Bundling src/index.ts", () => bundleEntry(entry, dir));
 */
export function createProgress(options: ProgressOptions): Progress {
  const now = options.now ?? Date.now;
  return {
    async run(label, work) {
      if (!options.enabled) return work();
      const started = now();
      let frame = 0;
      let drawn = false;
      const draw = () => {
        const seconds = (now() - started) / 1000;
        const elapsed = seconds >= 1 ? ` ${seconds.toFixed(1)}s` : "";
        options.write(`${CLEAR_LINE}${FRAMES[frame % FRAMES.length]} ${label}…${elapsed}`);
        frame += 1;
        drawn = true;
      };
      let timer: NodeJS.Timeout | undefined;
      const delay = setTimeout(() => {
        draw();
        timer = setInterval(draw, FRAME_MS);
      }, FIRST_DRAW_MS);
      try {
        return await work();
      } finally {
        clearTimeout(delay);
        clearInterval(timer);
        if (drawn) options.write(CLEAR_LINE);
      }
    },
  };
}

/** The command's progress: on its stderr when that is a terminal. */
export function progressFor(context: CommandContext): Progress {
  return createProgress({ enabled: context.stderrIsTTY === true, write: (text) => context.stderr(text) });
}
