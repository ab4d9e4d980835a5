// The process around the CLI: real stdio, environment, signals and exit code.
import { readFileSync } from "node:fs";
import { SkiffClient } from "./api-client.js";
import type { CommandContext } from "./command.js";
import { runCli } from "./run-cli.js";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  version: string;
};

const context: CommandContext = {
  env: process.env,
  cwd: process.cwd(),
  stdout: (data) => process.stdout.write(data),
  stdoutIsTerminal: process.stdout.isTTY === true,
  stderr: (text) => process.stderr.write(text),
  stderrIsTTY: process.stderr.isTTY === true,
  stdin: () => process.stdin,
  waitForStop: () =>
    new Promise((resolve) => {
      const onSignal = (signal: NodeJS.Signals) => {
        // A second Ctrl-C means "now": skip the graceful shutdown.
        process.once("SIGINT", () => process.exit(130));
        process.once("SIGTERM", () => process.exit(143));
        resolve(signal);
      };
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
    }),
  createClient: (settings) => new SkiffClient({ url: settings.url, token: settings.token }),
};

process.exitCode = await runCli(process.argv.slice(2), context, version);
// Ending naturally lets piped output flush (pipes are asynchronous on macOS); the unref'd timer only fires if
// something left behind would otherwise keep the process alive.
setTimeout(() => process.exit(), 2_000).unref();
