// Dispatches argv to a command and turns every failure into a message and exit code 1.
import { CliError } from "./cli-error.js";
import type { CommandContext } from "./command.js";
import { formatErrorReport, reportError } from "./error-report.js";
import { renderCommandHelp, renderOverview } from "./help.js";
import { parseCommandArgs } from "./parse-args.js";
import { commands, findCommand } from "./registry.js";

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
      const target = rest[0] === undefined ? undefined : findCommand(rest[0]);
      context.stdout(target === undefined ? renderOverview(commands) : renderCommandHelp(target));
      return 0;
    }
    const command = findCommand(first);
    if (command === undefined) {
      throw new CliError(
        `unknown command ${JSON.stringify(first)}`,
        `the commands are ${commands.map((c) => c.name).join(", ")}; run \`skiff --help\``,
      );
    }
    const { values, positionals } = parseCommandArgs(command, rest);
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
