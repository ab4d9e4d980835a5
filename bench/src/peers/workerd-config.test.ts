import { describe, expect, it } from "vitest";
import { workerdConfig } from "./workerd-config.js";

describe("workerdConfig", () => {
  it("declares one service and one loopback socket per module", () => {
    const text = workerdConfig([
      { name: "hello", port: 8081 },
      { name: "echo", port: 8082 },
    ]);
    expect(text).toContain('using Workerd = import "/workerd/workerd.capnp";');
    expect(text).toContain('esModule = embed "hello.js"');
    expect(text).toContain('address = "127.0.0.1:8081", http = (), service = "hello"');
    expect(text).toContain('address = "127.0.0.1:8082", http = (), service = "echo"');
  });
  it("refuses names and ports that could break the config", () => {
    expect(() => workerdConfig([{ name: 'x"; evil', port: 1 }])).toThrow(/name/);
    expect(() => workerdConfig([{ name: "x", port: 70_000 }])).toThrow(/port/);
  });
});
