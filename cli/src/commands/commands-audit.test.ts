// Issue 8 item 8, kept true as commands are added: every command has --json and --help with examples of itself.
import { describe, expect, it } from "vitest";
import { renderCommandHelp } from "../help.js";
import { commands } from "../registry.js";

describe.each(commands.map((command) => [command.name, command] as const))("skiff %s", (name, command) => {
  it("has a summary, and examples that use it", () => {
    expect(command.summary.length).toBeGreaterThan(10);
    expect(command.examples.length).toBeGreaterThan(0);
    expect(command.examples.some((example) => example.command.includes(`skiff ${name}`))).toBe(true);
    for (const example of command.examples) expect(example.description.length).toBeGreaterThan(5);
  });

  it("shows --json and its examples in --help", () => {
    const help = renderCommandHelp(command);
    expect(help).toContain("--json");
    expect(help).toContain("Examples:");
    expect(help).toContain(`Usage: skiff ${name}`);
  });
});
