// Issue 7, adversarial escapes: the classic ways out of a V8 sandbox find nothing of the host; an unrelated
// tenant answers 200 during and after.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Arena,
  deployHostile,
  duringAttack,
  expectStillServing,
  invokeHostile,
  startArena,
} from "./harness.js";

/** Globals whose presence would mean host (Node or isolated-vm) objects reached tenant code. */
const HOST_GLOBALS = [
  "process",
  "require",
  "module",
  "exports",
  "Buffer",
  "global",
  "__dirname",
  "__filename",
];

let arena: Arena;

beforeAll(async () => {
  arena = await startArena();
});

afterAll(async () => {
  expect(await arena.server.stop()).toBe(0);
});

describe("escapes", () => {
  it("finds no process, require or host object through the constructor chain", async () => {
    await deployHostile(arena, "escape-constructor", "escape-constructor.js");
    const answer = await duringAttack(arena, () => invokeHostile(arena, "escape-constructor"));
    expect(answer.status).toBe(200);
    const { found, globals } = answer.json as { found: Record<string, string>; globals: string[] };
    expect(Object.keys(found).length).toBe(16);
    // Every probe either finds nothing or fails; none finds an object or a function.
    const reached = Object.entries(found).filter(([, what]) => !/^(undefined|threw \w+)$/.test(what));
    expect(reached).toEqual([]);
    expect(globals.filter((name) => HOST_GLOBALS.includes(name))).toEqual([]);
    // The prelude's hooks (`__skiffHost`, `__skiffInternal`) and anything of isolated-vm stay out of reach.
    expect(globals.filter((name) => /^__|skiff|ivm|isolate/i.test(name))).toEqual([]);
    await expectStillServing(arena);
  });

  it("finds no host object through Error.prepareStackTrace call sites", async () => {
    await deployHostile(arena, "escape-prepare-stack-trace", "escape-prepare-stack-trace.js");
    const answer = await duringAttack(arena, () => invokeHostile(arena, "escape-prepare-stack-trace"));
    expect(answer.status).toBe(200);
    expect(answer.json.frames).toBeGreaterThan(0);
    expect(answer.json).toMatchObject({ escaped: [], hostLike: [], process: "undefined" });
    await expectStillServing(arena);
  });
});
