// Preloaded (NODE_OPTIONS=--import) into the serve process and, through the environment they inherit, into every
// runtime worker: Node 20 refuses --cpu-prof in NODE_OPTIONS, so this runs V8's profiler through the inspector.
// Profiling starts on SIGUSR2 (so that startup and setup stay out of the profile) and the profile is written to
// <dir>/CPU.<pid>.cpuprofile when the process exits.
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { join } from "node:path";
import { PROFILE_DIR_ENV, PROFILE_START_SIGNAL } from "./profile-env.js";

const dir = process.env[PROFILE_DIR_ENV];
if (dir !== undefined && dir !== "") {
  let session: Session | undefined;
  process.on(PROFILE_START_SIGNAL, () => {
    if (session !== undefined) return;
    session = new Session();
    session.connect();
    session.post("Profiler.enable");
    session.post("Profiler.setSamplingInterval", { interval: 1000 });
    session.post("Profiler.start");
  });
  process.once("exit", () => {
    // An in-thread inspector session answers synchronously, so this finishes before the process is gone.
    session?.post("Profiler.stop", (error, result) => {
      if (error === null && result !== undefined) {
        writeFileSync(join(dir, `CPU.${process.pid}.cpuprofile`), JSON.stringify(result.profile));
      }
    });
  });
}
