import { describe, expect, it } from "vitest";
import { clock } from "./invocation-log.js";
import { formatPlatformLine, prettyLogStream } from "./platform-log.js";

describe("formatPlatformLine", () => {
  it("prints time, level, message and the other fields", () => {
    const line = JSON.stringify({ level: 40, time: 0, pid: 1, hostname: "h", msg: "runtime exit", code: 1 });
    expect(formatPlatformLine(line)).toBe(`${clock(0)} WARN  runtime exit {"code":1}\n`);
  });

  it("prints an error's stack under the line", () => {
    const line = JSON.stringify({
      level: 50,
      time: 0,
      msg: "scheduler error",
      err: { stack: "Error: x\n    at y" },
    });
    expect(formatPlatformLine(line)).toBe(`${clock(0)} ERROR scheduler error\n  Error: x\n      at y\n`);
  });

  it("passes a line that is not JSON through", () => {
    expect(formatPlatformLine("plain")).toBe("plain\n");
  });

  it("is a pino destination", () => {
    const written: string[] = [];
    prettyLogStream((text) => written.push(text)).write('{"level":30,"time":0,"msg":"up"}\n');
    expect(written).toEqual([`${clock(0)} INFO  up\n`]);
  });
});
