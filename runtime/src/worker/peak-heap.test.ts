// The heap an invocation leaves in use is reported with its result (peakHeapBytes), in real isolates.
import { afterAll, describe, expect, it } from "vitest";
import { versionOf } from "../testing/fixtures.js";
import { InvokerHarness } from "../testing/invoker-harness.js";

const runtime = new InvokerHarness();
afterAll(() => runtime.close());

const MB = 1024 * 1024;

describe("peakHeapBytes", () => {
  it("counts what the invocation allocated, external bytes included", async () => {
    const small = await runtime.invoke(
      versionOf("small"),
      `export default { fetch() { return new Response("x") } }`,
    );
    const big = await runtime.invoke(
      versionOf("big"),
      `export default { fetch() {
        const bytes = new Uint8Array(8 * 1024 * 1024).fill(1);
        const objects = Array.from({ length: 50000 }, (_, i) => ({ i, s: "item " + i }));
        return new Response(String(bytes[0] + objects.length));
      } }`,
    );
    expect(big.text()).toBe("50001");
    expect(small.result.peakHeapBytes).toBeGreaterThan(0);
    expect(big.result.peakHeapBytes).toBeGreaterThanOrEqual(8 * MB);
    expect(big.result.peakHeapBytes).toBeGreaterThan((small.result.peakHeapBytes ?? 0) + 8 * MB);
  });

  it("is absent when the isolate did not survive the invocation", async () => {
    const spin = await runtime.invoke(
      versionOf("spin", { cpuMs: 50, timeoutMs: 5_000 }),
      `export default { fetch() { for (;;) {} } }`,
    );
    expect(spin.result.outcome).toBe("exceededCpu");
    expect(spin.result).not.toHaveProperty("peakHeapBytes");
  });
});
