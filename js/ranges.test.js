import { describe, expect, it } from "vitest";
import { lowerBound, nearestIndex, padY, upperBound, widenX, xExtent, yExtent } from "./ranges.js";
import { Ring } from "./ring.js";

/** @param {number[]} v */
const f64 = (...v) => Float64Array.from(v);

describe("binary searches", () => {
  const xs = f64(1, 2, 2, 4, 8);
  it("lowerBound and upperBound", () => {
    expect(lowerBound(xs, 0)).toBe(0);
    expect(lowerBound(xs, 2)).toBe(1);
    expect(upperBound(xs, 2)).toBe(3);
    expect(lowerBound(xs, 3)).toBe(3);
    expect(lowerBound(xs, 9)).toBe(5);
    expect(upperBound(xs, 8)).toBe(5);
    expect(lowerBound(f64(), 1)).toBe(0);
  });
  it("nearestIndex", () => {
    expect(nearestIndex(xs, -5)).toBe(0);
    expect(nearestIndex(xs, 100)).toBe(4);
    expect(nearestIndex(xs, 5.9)).toBe(3);
    expect(nearestIndex(xs, 6.1)).toBe(4);
    expect(nearestIndex(xs, 6)).toBe(3); // tie: the earlier point
    expect(nearestIndex(xs, 4)).toBe(3);
    expect(nearestIndex(f64(), 1)).toBe(-1);
    expect(nearestIndex(xs, NaN)).toBe(-1);
  });
});

describe("xExtent", () => {
  it("spans all series and skips empty ones", () => {
    expect(xExtent([f64(5, 9), f64(), f64(2, 3, 7)])).toEqual([2, 9]);
  });
  it("is null when everything is empty", () => {
    expect(xExtent([])).toBeNull();
    expect(xExtent([f64()])).toBeNull();
  });
});

/** @typedef {[Float64Array, Float64Array]} Pair */

describe("yExtent", () => {
  /** @type {Pair} */
  const a = [f64(0, 1, 2, 3, 4), f64(5, NaN, -1, 7, 100)];
  /** @type {Pair} */
  const b = [f64(2.5, 3.5), f64(-50, 0)];
  it("covers only points inside the x range, ignoring NaN", () => {
    expect(yExtent([a], 1, 3)).toEqual([-1, 7]);
    expect(yExtent([a, b], 1, 3)).toEqual([-50, 7]);
    expect(yExtent([a], 0, 10)).toEqual([-1, 100]);
  });
  it("ignores infinities", () => {
    expect(yExtent([[f64(0, 1, 2), f64(Infinity, 2, -Infinity)]], 0, 2)).toEqual([2, 2]);
  });
  it("is null with no visible finite point", () => {
    expect(yExtent([a], 10, 20)).toBeNull();
    expect(yExtent([[f64(0, 1), f64(NaN, NaN)]], 0, 1)).toBeNull();
  });
});

describe("ranges over a ring given late points and history", () => {
  // Live data first, then history and a late point: the ring sorts them into place.
  const ring = new Ring(1000);
  const live = Float64Array.from({ length: 300 }, (_, i) => 100 + i);
  ring.append(
    live,
    live.map((x) => x % 7),
  );
  const history = Float64Array.from({ length: 200 }, (_, i) => i / 4);
  ring.append(
    history,
    history.map((x) => -x),
  );
  ring.append(Float64Array.of(60), Float64Array.of(1000));
  const all = [...live, ...history, 60];
  const ys = [...live.map((x) => x % 7), ...history.map((x) => -x), 1000];
  /** @type {import("./trace.js").Summarise} */
  const summarise = (a, b, out) => ring.summary(a, b, out);

  it("spans the least to the greatest x given", () => {
    expect(xExtent([ring.xs()])).toEqual([Math.min(...all), Math.max(...all)]);
    expect(xExtent([Float64Array.of(70, 80), ring.xs()])).toEqual([0, 399]);
  });

  it("finds the y extent of the points inside an x range, with or without summaries", () => {
    for (const [x0, x1] of [
      [0, 399],
      [10, 120],
      [49.75, 60],
      [61, 99],
      [150, 1000],
    ]) {
      let lo = Infinity;
      let hi = -Infinity;
      all.forEach((x, i) => {
        if (x >= x0 && x <= x1) {
          lo = Math.min(lo, ys[i]);
          hi = Math.max(hi, ys[i]);
        }
      });
      const expected = lo <= hi ? [lo, hi] : null;
      /** @type {Pair[]} */
      const data = [[ring.xs(), ring.ys()]];
      expect(yExtent(data, x0, x1)).toEqual(expected);
      expect(yExtent(data, x0, x1, [summarise])).toEqual(expected);
    }
  });
});

describe("padY", () => {
  it("pads 5 % on each side", () => {
    expect(padY([0, 100])).toEqual([-5, 105]);
  });
  it("gives a flat line a range around it", () => {
    expect(padY([50, 50])).toEqual([45, 55]);
    expect(padY([0, 0])).toEqual([-1, 1]);
    expect(padY([-20, -20])).toEqual([-22, -18]);
  });
  it("has a default with no data", () => {
    expect(padY(null)).toEqual([0, 1]);
  });
});

describe("widenX", () => {
  it("keeps a real range", () => {
    expect(widenX([3, 4], false)).toEqual([3, 4]);
  });
  it("widens a single instant by a second each side on time axes", () => {
    expect(widenX([1_700_000_000_000, 1_700_000_000_000], true)).toEqual([1_699_999_999_000, 1_700_000_001_000]);
  });
  it("widens a single number", () => {
    expect(widenX([10, 10], false)).toEqual([9.5, 10.5]);
    expect(widenX([0, 0], false)).toEqual([-0.5, 0.5]);
  });
  it("has a default with no data", () => {
    expect(widenX(null, false)).toEqual([0, 1]);
    const [a, b] = widenX(null, true);
    expect(b - a).toBe(60_000);
  });
});
