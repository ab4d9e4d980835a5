import { describe, expect, it } from "vitest";
import { type Batch, MessageBatcher, unbatch } from "./message-batch.js";

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

function recorder() {
  const delivered: Array<Batch<{ n: number }>> = [];
  const outbox = new MessageBatcher<{ n: number }>((payload) => delivered.push(payload));
  return { delivered, outbox };
}

describe("MessageBatcher", () => {
  it("sends a lone message at once, and the rest of its turn together at the turn's end, in order", async () => {
    const { delivered, outbox } = recorder();
    outbox.push({ n: 1 });
    expect(delivered).toEqual([{ n: 1 }]);
    outbox.push({ n: 2 });
    outbox.push({ n: 3 });
    expect(delivered).toEqual([{ n: 1 }]);
    await turn();
    expect(delivered).toEqual([{ n: 1 }, [{ n: 2 }, { n: 3 }]]);
    expect(delivered.flatMap((payload) => unbatch(payload)).map((m) => m.n)).toEqual([1, 2, 3]);
  });

  it("batches a whole turn after a busy one, and sends at once again after a turn with one message", async () => {
    const { delivered, outbox } = recorder();
    outbox.push({ n: 1 });
    outbox.push({ n: 2 });
    await turn();
    outbox.push({ n: 3 });
    outbox.push({ n: 4 });
    expect(delivered).toEqual([{ n: 1 }, { n: 2 }]);
    await turn();
    expect(delivered).toEqual([{ n: 1 }, { n: 2 }, [{ n: 3 }, { n: 4 }]]);
    outbox.push({ n: 5 });
    expect(delivered).toHaveLength(3);
    await turn();
    expect(delivered.at(-1)).toEqual({ n: 5 });
    outbox.push({ n: 6 });
    expect(delivered.at(-1)).toEqual({ n: 6 });
    await turn();
    expect(delivered.flatMap((payload) => unbatch(payload)).map((m) => m.n)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("flushes on demand, and forgets what it was told to clear", async () => {
    const { delivered, outbox } = recorder();
    outbox.push({ n: 1 });
    outbox.push({ n: 2 });
    outbox.flush();
    expect(delivered).toEqual([{ n: 1 }, { n: 2 }]);
    await turn();
    outbox.push({ n: 3 });
    outbox.push({ n: 4 });
    outbox.clear();
    await turn();
    expect(delivered).toEqual([{ n: 1 }, { n: 2 }]);
  });
});
