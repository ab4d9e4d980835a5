// Dispatches argv to a command and turns every failure into a message and exit code 1.
import { CliError } from "./cli-error.js";
import type { CommandContext } from "./command.js";
import { formatErrorReport, reportError } from "./error-report.js";
import { renderCommandHelp, renderGroupHelp, renderOverview } from "./help.js";
import { parseCommandArgs } from "./parse-args.js";
import { commandGroup, commands, resolveCommand, topLevelWords } from "./registry.js";

/**
 * Runs one CLI invocation and returns its exit code; never throws.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), context);
 */
export async function runCli(argv: string[], context: CommandContext, version = "0.0.0"): Promise<number> {
  try {
    const [first, ...rest] = argv;
    if (first === undefined || first === "--help" || first === "-h") {
      context.stdout(renderOverview(commands));
      return 0;
    }
    if (first === "--version" || first === "-v") {
      context.stdout(`${version}\n`);
      return 0;
    }
    if (first === "help") {
      const target = resolveCommand(rest)?.command;
      const group = rest[0] === undefined ? [] : commandGroup(rest[0]);
      if (target !== undefined) context.stdout(renderCommandHelp(target));
      else if (group.length > 0) context.stdout(renderGroupHelp(rest[0] as string, group));
      else context.stdout(renderOverview(commands));
      return 0;
    }
    const resolved = resolveCommand(argv);
    if (resolved === undefined) {
      const group = commandGroup(first);
      if (group.length === 0) {
        throw new CliError(
          `unknown command ${JSON.stringify(first)}`,
          `the commands are ${topLevelWords().join(", ")}; run \`skiff --help\``,
        );
      }
      const verb = rest[0];
      if (verb === undefined || verb === "--help" || verb === "-h") {
        context.stdout(renderGroupHelp(first, group));
        return 0;
      }
      const verbs = group.map((c) => c.name.slice(first.length + 1)).join(", ");
      throw new CliError(
        `unknown command ${JSON.stringify(`${first} ${verb}`)}`,
        `the ${first} commands are ${verbs}; run \`skiff ${first} --help\``,
      );
    }
    const { command, args } = resolved;
    const { values, positionals } = parseCommandArgs(command, args);
    if (values.help) {
      context.stdout(renderCommandHelp(command));
      return 0;
    }
    return await command.run({ values, positionals, context });
  } catch (error) {
    context.stderr(formatErrorReport(reportError(error)));
    if (context.env.SKIFF_DEBUG && error instanceof Error && error.stack) context.stderr(`${error.stack}\n`);
    return 1;
  }
}
