// Every command the CLI knows; adding a verb is adding a file under commands/ and a line here.
import type { Command, OptionSpecs } from "./command.js";
import { deployCommand } from "./commands/deploy.js";
import { invokeCommand } from "./commands/invoke.js";
import { lsCommand } from "./commands/ls.js";
import { serveCommand } from "./commands/serve.js";

export const commands: readonly Command<OptionSpecs>[] = [
  serveCommand,
  deployCommand,
  invokeCommand,
  lsCommand,
];

export function findCommand(name: string): Command<OptionSpecs> | undefined {
  return commands.find((command) => command.name === name);
}
