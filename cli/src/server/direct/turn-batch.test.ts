import { describe, expect, it } from "vitest";
import { invocationRecord } from "./plane-fixtures.js";
import type { WorkerMessage } from "./plane-messages.js";
import { TurnBatch } from "./turn-batch.js";

const record = invocationRecord;

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe("TurnBatch", () => {
  it("sends one turn's records and observations together, once, on the next turn", async () => {
    const sent: WorkerMessage[] = [];
    const batch = new TurnBatch((message) => sent.push(message));
    batch.add(record("a"));
    batch.observeHttp("function", "GET", 200, 0.5);
    batch.add(record("b"));
    expect(sent).toEqual([]);
    await nextTurn();
    expect(sent).toEqual([{ records: [record("a"), record("b")], http: [["function", "GET", 200, 0.5]] }]);
    await nextTurn();
    expect(sent).toHaveLength(1);

    batch.observeHttp("other", "POST", 404, 0);
    await nextTurn();
    expect(sent[1]).toEqual({ http: [["other", "POST", 404, 0]] });
  });

  it("sends what waits at once on flush, and nothing when nothing waits", async () => {
    const sent: WorkerMessage[] = [];
    const batch = new TurnBatch((message) => sent.push(message));
    batch.flush();
    expect(sent).toEqual([]);
    batch.add(record("a"));
    batch.flush();
    expect(sent).toEqual([{ records: [record("a")] }]);
    await nextTurn();
    expect(sent).toHaveLength(1);
  });
});
