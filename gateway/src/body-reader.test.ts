import { SkiffError } from "@skiff/core";
import { describe, expect, it } from "vitest";
import { readBody } from "./body-reader.js";

/** A body that never ends, counting how many chunks were pulled from it. */
function endlessBody(chunkBytes: number) {
  const state = { pulled: 0, canceled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      state.pulled++;
      controller.enqueue(new Uint8Array(chunkBytes));
    },
    cancel() {
      state.canceled = true;
    },
  });
  return { stream, state };
}

function post(body: RequestInit["body"], headers: Record<string, string> = {}): Request {
  return new Request("http://x/", { method: "POST", body, headers, duplex: "half" } as RequestInit);
}

describe("readBody", () => {
  it("returns the whole body as bytes", async () => {
    const bytes = await readBody(post("hello"), { limit: 5 });
    expect(new TextDecoder().decode(bytes ?? undefined)).toBe("hello");
  });

  it("joins a body streamed in chunks", async () => {
    const chunks = ["ab", "cd", "e"].map((s) => new TextEncoder().encode(s));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk);
        controller.close();
      },
    });
    const bytes = await readBody(post(stream), { limit: 100 });
    expect(new TextDecoder().decode(bytes ?? undefined)).toBe("abcde");
  });

  it("returns null for a request without a body", async () => {
    expect(await readBody(new Request("http://x/"), { limit: 10 })).toBeNull();
  });

  it("refuses a streamed body as soon as it passes the limit, without reading the rest", async () => {
    const { stream, state } = endlessBody(64 * 1024);
    const error = await readBody(post(stream), { limit: 1024 * 1024 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SkiffError);
    expect((error as SkiffError).code).toBe("PAYLOAD_TOO_LARGE");
    expect((error as SkiffError).status).toBe(413);
    // 16 chunks fit; the 17th passes the limit. A few more may sit in the stream's queue, not thousands.
    expect(state.pulled).toBeLessThan(20);
    expect(state.canceled).toBe(true);
  });

  it("refuses a body whose Content-Length is over the limit before reading it", async () => {
    const { stream, state } = endlessBody(16);
    const request = new Request("http://x/", {
      method: "POST",
      body: stream,
      duplex: "half",
      headers: { "content-length": "1001" },
    } as RequestInit);
    await expect(readBody(request, { limit: 1000 })).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
    expect(state.pulled).toBeLessThanOrEqual(1);
  });

  it("accepts a body exactly at the limit", async () => {
    const bytes = await readBody(post(new Uint8Array(1000)), { limit: 1000 });
    expect(bytes?.byteLength).toBe(1000);
  });

  it("throws the caller's error when given one", async () => {
    const tooLarge = (limit: number) => new SkiffError("CODE_TOO_LARGE", `over ${limit}`);
    await expect(readBody(post("123456"), { limit: 5, tooLarge })).rejects.toMatchObject({
      code: "CODE_TOO_LARGE",
      message: "over 5",
    });
  });

  it("answers INVALID_REQUEST when the body breaks off", async () => {
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new Error("socket hang up"));
      },
    });
    await expect(readBody(post(stream), { limit: 10 })).rejects.toMatchObject({ code: "INVALID_REQUEST" });
  });
});
