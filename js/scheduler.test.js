// @ts-check
import { describe, expect, it } from "vitest";
import { FrameScheduler } from "./scheduler.js";

/** A scheduler on a fake clock whose frames run when the test says. */
function setup(budgetMs = 10) {
  /** @type {Array<() => void>} */
  let requested = [];
  let clock = 0;
  /** @type {unknown[]} */
  const errors = [];
  const s = new FrameScheduler({
    request: (cb) => requested.push(cb),
    now: () => clock,
    budgetMs,
    onError: (err) => errors.push(err),
  });
  const runFrame = () => {
    const cbs = requested;
    requested = [];
    for (const cb of cbs) cb();
  };
  /** @type {string[]} */
  const log = [];
  /** A view whose draw takes `ms` on the fake clock. */
  const view = (/** @type {string} */ name, ms = 1) =>
    s.add(() => {
      log.push(name);
      clock += ms;
    });
  return { s, runFrame, log, view, errors, requests: () => requested.length };
}

describe("FrameScheduler", () => {
  it("requests one frame however many views are marked", () => {
    const { s, runFrame, log, view, requests } = setup();
    const a = view("a");
    const b = view("b");
    a.mark();
    b.mark();
    a.mark();
    expect(requests()).toBe(1);
    runFrame();
    expect(log).toEqual(["a", "b"]);
    expect(requests()).toBe(0);
    expect(s.pending).toBe(0);
  });

  it("draws a lone view in every frame it is dirty, even over budget", () => {
    const { runFrame, log, view } = setup(5);
    const a = view("a", 50);
    for (let i = 0; i < 3; i++) {
      a.mark();
      runFrame();
    }
    expect(log).toEqual(["a", "a", "a"]);
  });

  it("stops at the budget and draws the rest first next frame", () => {
    const { s, runFrame, log, view } = setup(10);
    const views = ["a", "b", "c", "d", "e"].map((n) => view(n, 4));
    for (const v of views) v.mark();
    runFrame(); // a (4 ms), b (8 ms), c (12 ms): over budget
    expect(log).toEqual(["a", "b", "c"]);
    expect(s.pending).toBe(2);
    views[0].mark(); // dirty again: goes after those still waiting
    runFrame();
    expect(log).toEqual(["a", "b", "c", "d", "e", "a"]);
  });

  it("starves no view when all are dirty all the time", () => {
    const { runFrame, log, view } = setup(10);
    const views = Array.from({ length: 20 }, (_, i) => view(String(i), 6));
    for (let f = 0; f < 10; f++) {
      for (const v of views) v.mark();
      runFrame();
    }
    // Two views per frame (6 ms, then 12 ms), in turn: each drawn once in 10 frames.
    expect(log).toHaveLength(20);
    expect(new Set(log).size).toBe(20);
  });

  it("leaves a view marked while drawing for the next frame", () => {
    const { s, runFrame, log } = setup();
    /** @type {import("./scheduler.js").Job} */
    const a = s.add(() => {
      log.push("a");
      a.mark();
    });
    a.mark();
    runFrame();
    expect(log).toEqual(["a"]);
    runFrame();
    expect(log).toEqual(["a", "a"]);
  });

  it("forgets removed views, queued or not", () => {
    const { s, runFrame, log, view, requests } = setup();
    const a = view("a");
    const b = view("b");
    a.mark();
    b.mark();
    a.remove();
    runFrame();
    expect(log).toEqual(["b"]);
    a.mark();
    expect(requests()).toBe(0);
    expect(s.pending).toBe(0);
  });

  it("still draws the other views when one throws", () => {
    const { s, runFrame, log, view, errors } = setup();
    const bad = s.add(() => {
      throw new Error("boom");
    });
    const b = view("b");
    bad.mark();
    b.mark();
    runFrame();
    expect(log).toEqual(["b"]);
    expect(errors).toHaveLength(1);
    b.mark();
    runFrame();
    expect(log).toEqual(["b", "b"]);
  });
});
