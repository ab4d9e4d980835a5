import { describe, expect, it } from "vitest";
import { RouteFollowers } from "./route-followers.js";

/** Whether `promise` has settled by the time the pending callbacks ran. */
async function settledYet(promise: Promise<void>): Promise<boolean> {
  let settled = false;
  void promise.then(() => {
    settled = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

describe("RouteFollowers", () => {
  it("numbers changes and settles a wait once every worker applied that change or a later one", async () => {
    const followers = new RouteFollowers({ maxWaitMs: 60_000 });
    followers.applied(0, 0);
    followers.applied(1, 0);
    const first = followers.next();
    const second = followers.next();
    expect([first, second, followers.seq]).toEqual([1, 2, 2]);
    const waitFirst = followers.reached(first);
    const waitSecond = followers.reached(second);
    followers.applied(0, 2);
    expect(await settledYet(waitFirst)).toBe(false);
    followers.applied(1, 1);
    expect(await settledYet(waitFirst)).toBe(true);
    expect(await settledYet(waitSecond)).toBe(false);
    followers.applied(1, 2);
    expect(await settledYet(waitSecond)).toBe(true);
  });

  it("waits for nobody before a worker said where it is, and at once for a change all have", async () => {
    const followers = new RouteFollowers({ maxWaitMs: 60_000 });
    expect(await settledYet(followers.reached(followers.next()))).toBe(true);
    followers.applied(0, 1);
    expect(await settledYet(followers.reached(1))).toBe(true);
  });

  it("holds a restarted worker to its snapshot, lower than what its slot had applied", async () => {
    const followers = new RouteFollowers({ maxWaitMs: 60_000 });
    followers.applied(0, 5);
    followers.applied(0, 3);
    const wait = followers.reached(4);
    expect(await settledYet(wait)).toBe(false);
    followers.applied(0, 4);
    expect(await settledYet(wait)).toBe(true);
  });

  it("gives up after maxWaitMs and says which workers were behind", async () => {
    const late: Array<[number, number[]]> = [];
    const followers = new RouteFollowers({
      maxWaitMs: 20,
      onLate: (seq, behind) => late.push([seq, behind]),
    });
    followers.applied(0, 0);
    followers.applied(1, 0);
    const seq = followers.next();
    followers.applied(0, seq);
    await followers.reached(seq);
    expect(late).toEqual([[1, [1]]]);
  });
});
