import { describe, expect, it } from "vitest";
import { PROC_RSS_AVAILABLE, parseVmRss, readProcRssBytes } from "./worker-rss.js";

describe("worker RSS", () => {
  it("parses the VmRSS line of /proc/<pid>/status", () => {
    const status = "Name:\tnode\nVmPeak:\t  999 kB\nVmRSS:\t   51200 kB\nRssAnon:\t 1 kB\n";
    expect(parseVmRss(status)).toBe(51200 * 1024);
    expect(parseVmRss("Name:\tzombie\n")).toBeUndefined();
  });

  it.runIf(PROC_RSS_AVAILABLE)("reads a live process's RSS and nothing for a missing one", async () => {
    const rss = await readProcRssBytes(process.pid);
    // Within a factor of two of Node's own figure (the two are sampled at slightly different moments).
    const own = process.memoryUsage().rss;
    expect(rss).toBeGreaterThan(own / 2);
    expect(rss).toBeLessThan(own * 2);
    expect(await readProcRssBytes(2 ** 22 + 12345)).toBeUndefined();
  });
});
