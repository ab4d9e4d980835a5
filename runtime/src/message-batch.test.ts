import { describe, expect, it } from "vitest";
import { type Batch, MessageBatcher, unbatch } from "./message-batch.js";

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("MessageBatcher", () => {
  it("delivers the messages of one turn together, in order, and a lone message as itself", async () => {
    const delivered: Array<Batch<{ n: number }>> = [];
    const outbox = new MessageBatcher<{ n: number }>((payload) => delivered.push(payload));
    outbox.push({ n: 1 });
    outbox.push({ n: 2 });
    outbox.push({ n: 3 });
    expect(delivered).toEqual([]);
    await turn();
    outbox.push({ n: 4 });
    await turn();
    expect(delivered).toEqual([[{ n: 1 }, { n: 2 }, { n: 3 }], { n: 4 }]);
    expect(delivered.flatMap((payload) => unbatch(payload)).map((m) => m.n)).toEqual([1, 2, 3, 4]);
  });

  it("flushes on demand, and forgets what it was told to clear", async () => {
    const delivered: Array<Batch<{ n: number }>> = [];
    const outbox = new MessageBatcher<{ n: number }>((payload) => delivered.push(payload));
    outbox.push({ n: 1 });
    outbox.flush();
    expect(delivered).toEqual([{ n: 1 }]);
    outbox.push({ n: 2 });
    outbox.clear();
    await turn();
    expect(delivered).toEqual([{ n: 1 }]);
  });
});
