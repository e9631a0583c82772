// @ts-check
import { describe, expect, it } from "vitest";
import { COOLDOWN, FrameScheduler, LATE, ON_TIME_RUN } from "./scheduler.js";

/** A scheduler on a fake clock whose frames run when the test says. */
function setup(budgetMs = 10) {
  /** @type {Array<(time: number) => void>} */
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
  /** Runs the requested frame; `at` is its time (default: the clock's). */
  const runFrame = (at = clock) => {
    clock = Math.max(clock, at);
    const cbs = requested;
    requested = [];
    for (const cb of cbs) cb(at);
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
    expect(requests()).toBe(1); // the next frame, which says how long this one took
    runFrame();
    expect(requests()).toBe(0); // drew nothing: no frame follows
    expect(s.pending).toBe(0);
  });

  it("draws a lone view in every frame it is dirty, even over budget", () => {
    const { runFrame, log, view } = setup(5);
    const a = view("a", 50);
    for (let i = 0; i < 3; i++) {
      a.mark();
      runFrame(i * (1000 / 60)); // frames on time: only the budget is at stake here
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

  describe("frame pacing", () => {
    const PERIOD = 1000 / 60;

    /** Ten views, always dirty, cheap to draw (the budget never stops a frame). */
    function dashboard() {
      const t = setup(8);
      const views = Array.from({ length: 10 }, (_, i) => t.view(String(i), 0.1));
      /** Marks every view and runs a frame at `at`; returns how many views it drew. */
      const frame = (/** @type {number} */ at) => {
        for (const v of views) v.mark();
        const before = t.log.length;
        t.runFrame(at);
        return t.log.length - before;
      };
      return { ...t, frame };
    }

    it("takes a frame LATE times the period apart, and no sooner, for late", () => {
      const { s, frame } = dashboard();
      frame(0);
      frame(LATE * PERIOD * 0.99);
      expect(s.cap).toBe(Number.POSITIVE_INFINITY);
      frame(LATE * PERIOD * 0.99 + LATE * PERIOD * 1.01);
      expect(s.cap).toBe(9);
    });

    it("draws one view fewer per frame after a frame that came late", () => {
      const { s, frame } = dashboard();
      expect(frame(0)).toBe(10);
      expect(frame(PERIOD)).toBe(10); // on time: nothing changes
      expect(frame(3 * PERIOD)).toBe(0); // the frame of 10 views made this one late: they rest
      expect(s.cap).toBe(9);
      expect(frame(4 * PERIOD)).toBe(9);
    });

    it("lets one more view through after a run of frames on time that left views waiting", () => {
      const { s, frame } = dashboard();
      frame(0);
      frame(3 * PERIOD); // late: cap 9, the views rest a little
      let t = 4 * PERIOD;
      expect(frame(t)).toBe(9);
      for (let i = 0; i < ON_TIME_RUN - 1; i++) {
        t += PERIOD;
        expect(frame(t)).toBe(9);
      }
      t += PERIOD;
      expect(frame(t)).toBe(10);
      expect(s.cap).toBe(10);
    });

    it("rests a view that makes frames late COOLDOWN times its cost, then draws it again", () => {
      const { runFrame, log, view } = setup(8);
      const a = view("a", 0.1);
      /** @type {number[]} */
      const drawnAt = [];
      // The browser takes 100 ms more than a refresh over each frame that draws the view.
      const late = 100;
      let t = 0;
      while (t < 3000) {
        a.mark();
        const before = log.length;
        runFrame(t);
        const drew = log.length > before;
        if (drew) drawnAt.push(t);
        t += drew ? PERIOD + late : PERIOD;
      }
      // Never dropped, never back to back: drawn again once it has rested 3 x 100 ms.
      expect(drawnAt.length).toBeGreaterThan(3);
      const gaps = drawnAt.slice(1).map((at, i) => at - drawnAt[i]);
      for (const gap of gaps) {
        expect(gap).toBeGreaterThanOrEqual(PERIOD + late + COOLDOWN * late - PERIOD);
        expect(gap).toBeLessThan(PERIOD + late + COOLDOWN * late + 2 * PERIOD);
      }
    });

    it("draws a view marked now in the next frame, first, even while it rests", () => {
      const { runFrame, log, view } = setup(100);
      const others = [view("b", 1), view("c", 1)];
      const a = view("a", 1);
      a.mark();
      runFrame(0);
      runFrame(PERIOD + 200); // late: "a" now rests for a while
      for (const v of others) v.mark();
      a.mark();
      runFrame(2 * PERIOD + 200);
      expect(log.slice(1)).toEqual(["b", "c"]); // resting, "a" waited
      log.length = 0;
      for (const v of others) v.mark();
      a.markNow();
      runFrame(3 * PERIOD + 200);
      expect(log[0]).toBe("a");
    });

    it("rests the views of a late frame in proportion to their own drawing time", () => {
      const { runFrame, view } = setup(100);
      const heavy = view("heavy", 9);
      const light = view("light", 1);
      heavy.mark();
      light.mark();
      runFrame(0);
      heavy.mark();
      light.mark();
      runFrame(PERIOD + 100); // 100 ms over a refresh: 90 of it the heavy view's
      expect(heavy.readyAt).toBeCloseTo(PERIOD + 100 + COOLDOWN * 90, 0);
      expect(light.readyAt).toBeCloseTo(PERIOD + 100 + COOLDOWN * 10, 0);
    });

    it("does not take a frame after an idle spell for a late one", () => {
      const { s, frame, requests, runFrame } = dashboard();
      frame(0);
      while (requests() > 0) runFrame(PERIOD); // drains: nothing is marked again
      frame(10_000); // the first frame after a long idle spell
      expect(s.cap).toBe(Number.POSITIVE_INFINITY);
    });

    it("learns a faster display's period from its frames", () => {
      const { s, frame } = dashboard();
      const fast = 1000 / 120;
      let t = 0;
      for (let i = 0; i < 5; i++) {
        t += fast;
        frame(t);
      }
      expect(s.period).toBeCloseTo(fast, 6);
      frame(t + 2 * fast); // late at 120 Hz, though on time at 60 Hz
      expect(s.cap).toBe(9);
    });
  });
});
