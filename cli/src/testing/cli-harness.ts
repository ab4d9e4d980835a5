// Runs CLI commands in-process against a scripted API client, capturing what they print.
import { Readable } from "node:stream";
import type { SkiffApi } from "../api-client.js";
import type { ClientSettings } from "../client-settings.js";
import type { CommandContext } from "../command.js";
import { runCli } from "../run-cli.js";

/**
 * A SkiffApi whose methods are those of `partial`; any other method throws, so a test sees at once that a
 * command called something it did not script.
 */
export function fakeApi(partial: Partial<SkiffApi>): SkiffApi {
  return new Proxy(partial as SkiffApi, {
    get(target, name, receiver) {
      const own = Reflect.get(target, name, receiver) as unknown;
      if (typeof own === "function") return own.bind(target);
      if (name === "close") return async () => {};
      if (name === "then") return undefined;
      return () => {
        throw new Error(`the fake API has no ${String(name)}: script it in the test`);
      };
    },
  });
}

export interface CliRun {
  code: number;
  /** stdout decoded as UTF-8. */
  stdout: string;
  /** stdout as the exact bytes written. */
  bytes: Uint8Array;
  stderr: string;
  /** The settings each client was created with. */
  settings: ClientSettings[];
}

export interface CliRunOptions {
  env?: Record<string, string>;
  cwd?: string;
  stdin?: Uint8Array;
  /** stdout is a terminal (default: a pipe). */
  terminal?: boolean;
  /** What `waitForStop` waits for; by default it never resolves. */
  stop?: Promise<string>;
}

/** `skiff <argv>` with `api` as the server; SKIFF_TOKEN is set unless `env` says otherwise. */
export async function runWith(
  api: Partial<SkiffApi>,
  argv: string[],
  options: CliRunOptions = {},
): Promise<CliRun> {
  const out: Uint8Array[] = [];
  let stderr = "";
  const settings: ClientSettings[] = [];
  const context: CommandContext = {
    env: { SKIFF_TOKEN: "sk_test", ...options.env },
    cwd: options.cwd ?? process.cwd(),
    stdoutIsTerminal: options.terminal ?? false,
    stdout: (data) => {
      out.push(typeof data === "string" ? new TextEncoder().encode(data) : new Uint8Array(data));
    },
    stderr: (text) => {
      stderr += text;
    },
    stdin: () => Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    waitForStop: () => options.stop ?? new Promise(() => {}),
    createClient: (given) => {
      settings.push(given);
      return fakeApi(api);
    },
  };
  const code = await runCli(argv, context, "0.0.0-test");
  const bytes = new Uint8Array(Buffer.concat(out));
  return { code, stdout: new TextDecoder().decode(bytes), bytes, stderr, settings };
}
