// setTimeout, setInterval, clearTimeout, queueMicrotask.
import { deepEqual, equal, throws } from "./assert.js";

export default {
  "setTimeout passes arguments and clearTimeout cancels": async () => {
    const seen = [];
    const cancelled = setTimeout(() => seen.push("never"), 0);
    clearTimeout(cancelled);
    await new Promise((resolve) => setTimeout((a, b) => resolve(seen.push(a + b)), 1, 2, 3));
    deepEqual(seen, [5]);
  },
  "setTimeout callbacks run in delay order": async () => {
    const order = [];
    await new Promise((resolve) => {
      setTimeout(() => order.push(20), 20);
      setTimeout(() => order.push(1), 1);
      setTimeout(() => resolve(order.push(40)), 40);
    });
    deepEqual(order, [1, 20, 40]);
  },
  "setInterval repeats until cleared": async () => {
    let ticks = 0;
    await new Promise((resolve) => {
      const id = setInterval(() => {
        if (++ticks === 3) {
          clearInterval(id);
          resolve();
        }
      }, 1);
    });
    equal(ticks, 3);
  },
  "queueMicrotask runs before timers and after the current task": async () => {
    const order = [];
    setTimeout(() => order.push("timeout"), 0);
    queueMicrotask(() => order.push("microtask"));
    order.push("sync");
    await new Promise((resolve) => setTimeout(resolve, 5));
    deepEqual(order, ["sync", "microtask", "timeout"]);
    throws(() => queueMicrotask("not a function"), "TypeError");
  },
};
