import { describe, expect, it } from "vitest";
import { SessionStore } from "./session-store.js";

const operator = { kind: "operator" } as const;

describe("SessionStore", () => {
  it("finds a session by its id until it is deleted", () => {
    const store = new SessionStore({ now: () => 0 });
    const session = store.create("sk_key", operator);
    expect(session.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(store.get(session.id)?.key).toBe("sk_key");
    expect(store.get("another-id")).toBeUndefined();
    expect(store.get(undefined)).toBeUndefined();
    store.delete(session.id);
    expect(store.get(session.id)).toBeUndefined();
  });

  it("ends a session left idle, and any session past its maximum age", () => {
    const clock = { now: 0 };
    const store = new SessionStore({ now: () => clock.now, idleMs: 100, maxAgeMs: 250 });
    const idle = store.create("a", operator);
    const busy = store.create("b", operator);
    for (const at of [90, 180, 240]) {
      clock.now = at;
      expect(store.get(busy.id)).toBeDefined();
    }
    expect(store.get(idle.id)).toBeUndefined();
    clock.now = 251;
    expect(store.get(busy.id)).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it("drops the least recently used session past its capacity", () => {
    const store = new SessionStore({ now: () => 0, capacity: 2 });
    const first = store.create("1", operator);
    const second = store.create("2", operator);
    store.get(first.id);
    const third = store.create("3", operator);
    expect(store.get(second.id)).toBeUndefined();
    expect(store.get(first.id)?.key).toBe("1");
    expect(store.get(third.id)?.key).toBe("3");
  });
});
