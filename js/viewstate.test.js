import { describe, expect, it } from "vitest";
import { Ring } from "./ring.js";
import { DEFAULT_PLOT_HEIGHT, plotHeightOf, plotKey, ViewState } from "./viewstate.js";

/**
 * Live series over rings, as a view builds them each frame.
 * @param {Ring[]} rings
 * @returns {import("./viewstate.js").ViewSeries[]}
 */
function live(...rings) {
  return rings.map((ring, id) => ({ id, name: `s${id}`, color: "#000", xs: ring.xs(), ys: ring.ys(), ring }));
}

/**
 * @param {number[]} xs
 * @param {number[]} ys
 */
function ring(xs, ys) {
  const r = new Ring(100);
  r.append(Float64Array.from(xs), Float64Array.from(ys));
  return r;
}

describe("ViewState", () => {
  it("follows the data until zoomed, and again after follow()", () => {
    const state = new ViewState();
    const view = live(ring([0, 10], [1, 3]), ring([5, 20], [2, 2]));
    expect(state.following).toBe(true);
    let p = state.picture(view, false);
    expect(p.points).toBe(4);
    expect(p.lastX).toBe(20);
    expect(p.xRange).toEqual([0, 20]);
    expect(p.yRange[0]).toBeLessThan(1);
    expect(p.yRange[1]).toBeGreaterThan(3);

    state.zoomTo(4, 11, false);
    expect(state.following).toBe(false);
    p = state.picture(view, false);
    expect(p.xRange).toEqual([4, 11]);
    // The y range fits the points in view: x 5 and 10 (y 2 and 3), padded by 5 %.
    expect(p.yRange).toEqual([2 - 0.05, 3 + 0.05]);

    state.follow();
    expect(state.picture(view, false).xRange).toEqual([0, 20]);
  });

  it("zooms to whole milliseconds on a time axis", () => {
    const state = new ViewState();
    state.zoomTo(1000.4, 2000.2, true);
    expect(state.zoom).toEqual([1000, 2001]);
  });

  it("keeps the last y range when no point is in view", () => {
    const state = new ViewState();
    const view = live(ring([0, 1], [5, 7]));
    const before = state.picture(view, false).yRange;
    state.zoomTo(50, 60, false);
    expect(state.picture(view, false).yRange).toEqual(before);
  });

  it("draws a frozen copy while paused, and the live rings again once resumed", () => {
    const state = new ViewState();
    const r = ring([1, 2], [1, 2]);
    expect(state.setPaused(true, () => live(r))).toBe(true);
    expect(state.setPaused(true, () => live(r))).toBe(false);
    r.append(Float64Array.of(3), Float64Array.of(3));
    const shown = state.series(live(r));
    expect([...shown[0].xs]).toEqual([1, 2]);
    expect(shown[0].ring).toBe(null);
    expect(state.picture(shown, false).summaries).toEqual([null]);
    expect(state.setPaused(false, () => live(r))).toBe(true);
    expect([...state.series(live(r))[0].xs]).toEqual([1, 2, 3]);
  });

  it("gives every attribute of a picture at once", () => {
    const state = new ViewState();
    expect(state.attributes(null, 0, false)).toEqual({
      following: "true",
      paused: "false",
      points: "0",
      frames: "0",
    });
    const view = live(ring([0, 10], [1, 3]));
    state.zoomTo(2, 8, false);
    const p = state.picture(view, false);
    expect(state.attributes(p, 7, true)).toEqual({
      following: "false",
      paused: "false",
      points: "2",
      frames: "7",
      "x-range": "2 8",
      "y-range": `${p.yRange[0]} ${p.yRange[1]}`,
      "last-x": "10",
    });
    // No plot (no series yet): no ranges; no point: no last x.
    expect(state.attributes(state.picture([], false), 1, false)).toEqual({
      following: "false",
      paused: "false",
      points: "0",
      frames: "1",
    });
  });
});

describe("plotKey", () => {
  const axes = { isTime: false, xLabel: "t", yLabel: "v" };
  const view = live(ring([0, 1], [1, 2]), ring([0], [5]));

  it("stays the same while only the data change", () => {
    const before = plotKey(view, axes);
    view[0].ring?.append(Float64Array.of(2), Float64Array.of(3));
    expect(plotKey(live(...view.map((s) => /** @type {Ring} */ (s.ring))), { ...axes })).toBe(before);
  });

  it("changes with the series drawn, their names, the axis labels and the kind of x axis", () => {
    const key = plotKey(view, axes);
    const others = [
      plotKey(view.slice(0, 1), axes),
      plotKey([...view].reverse(), axes),
      plotKey([{ ...view[0], name: "renamed" }, view[1]], axes),
      plotKey([view[0], { ...view[1], id: 7 }], axes),
      plotKey(view, { ...axes, isTime: true }),
      plotKey(view, { ...axes, xLabel: "time" }),
      plotKey(view, { ...axes, yLabel: "" }),
    ];
    for (const other of others) expect(other).not.toBe(key);
    expect(new Set(others).size).toBe(others.length);
  });
});

describe("plotHeightOf", () => {
  it("takes the trait's height in whole pixels", () => {
    expect(plotHeightOf(300)).toBe(300);
    expect(plotHeightOf(41)).toBe(41);
    expect(plotHeightOf(120.6)).toBe(121);
  });

  it("falls back to the default for a height too short for the axes, or none", () => {
    expect(DEFAULT_PLOT_HEIGHT).toBe(300);
    for (const value of [40, 0, -5, NaN, Infinity, undefined, null, "tall"]) {
      expect(plotHeightOf(value), String(value)).toBe(DEFAULT_PLOT_HEIGHT);
    }
  });
});
