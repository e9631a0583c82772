import { afterEach, describe, expect, it, vi } from "vitest";
import { pixelMap, pxRatio } from "./mapping.js";
import { f64, plot } from "./testing.js";

const box = { left: 10, top: 20, width: 100, height: 50 };

describe("pixelMap", () => {
  it("maps x and a linear y into the plotting box, y upwards", () => {
    const m = pixelMap(plot([[f64(0, 10), f64(0, 10)]], { min: 0, max: 10 }, { min: 0, max: 10 }, box), 1, "y", false);
    expect(m && [m.toPx(0), m.toPx(5), m.toPx(10)]).toEqual([10, 60, 110]);
    expect(m && [m.toPy(0), m.toPy(5), m.toPy(10)]).toEqual([70, 45, 20]);
    expect(m && [m.left, m.top, m.width, m.height]).toEqual([10, 20, 100, 50]);
  });

  it("maps a log scale by the logarithm of the value", () => {
    const m = pixelMap(plot([[f64(0), f64(1)]], { min: 0, max: 1 }, { min: 1, max: 100 }, box), 1, "y", true);
    expect(m && [m.toPy(1), m.toPy(10), m.toPy(100)]).toEqual([70, 45, 20]);
    expect(m?.baseline).toBe(70);
  });

  it("reads the y scale it is given", () => {
    const u = plot([[f64(0), f64(1)]], { min: 0, max: 1 }, { min: 0, max: 10 }, box, { y2: { min: 0, max: 100 } });
    expect(pixelMap(u, 1, "y2", false)?.toPy(50)).toBe(45);
    expect(pixelMap(u, 1, "y", false)?.toPy(5)).toBe(45);
  });

  it("holds the baseline at y = 0 inside the box", () => {
    const at = (/** @type {number} */ min, /** @type {number} */ max) =>
      pixelMap(plot([[f64(0), f64(1)]], { min: 0, max: 1 }, { min, max }, box), 1, "y", false)?.baseline;
    expect(at(-10, 10)).toBe(45);
    expect(at(5, 10)).toBe(70); // all above 0: the bottom
    expect(at(-10, -5)).toBe(20); // all below 0: the top
  });

  it("takes the points in view and one beyond each edge", () => {
    const xs = f64(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    const m = pixelMap(plot([[xs, xs]], { min: 3.5, max: 6.5 }, { min: 0, max: 10 }), 1, "y", false);
    expect(m && [m.i0, m.i1]).toEqual([3, 7]);
    const all = pixelMap(plot([[xs, xs]], { min: -5, max: 50 }, { min: 0, max: 10 }), 1, "y", false);
    expect(all && [all.i0, all.i1]).toEqual([0, 10]);
  });

  it("has nothing to map before the scales are set, for an empty series or a log range not above 0", () => {
    const pair = /** @type {[Float64Array, Float64Array]} */ ([f64(0, 1), f64(1, 2)]);
    const set = { min: 0, max: 1 };
    expect(pixelMap(plot([pair], {}, set), 1, "y", false)).toBeNull();
    expect(pixelMap(plot([pair], set, { min: 0 }), 1, "y", false)).toBeNull();
    expect(pixelMap(plot([pair], set, set), 1, "y2", false)).toBeNull();
    expect(pixelMap(plot([[f64(), f64()]], set, set), 1, "y", false)).toBeNull();
    expect(pixelMap(plot([pair], set, set), 1, "y", true)).toBeNull();
    expect(pixelMap(plot([pair], set, { min: 1, max: 10 }), 1, "y", true)).not.toBeNull();
  });
});

describe("pxRatio", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("is the page's device pixel ratio, or 1 without a page", () => {
    expect(pxRatio()).toBe(1);
    vi.stubGlobal("devicePixelRatio", 2);
    expect(pxRatio()).toBe(2);
  });
});
