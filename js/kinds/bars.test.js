import { afterEach, describe, expect, it, vi } from "vitest";
import { Ring } from "../ring.js";
import { bars, barsPaths } from "./bars.js";
import { drawn, f64, pens, plot, styled, Y } from "./testing.js";

/** A plot of one series on x 0..100 and y 0..100 over a 100 x 100 box: pixel (x, 100 - y). */
const square = (/** @type {Float64Array} */ xs, /** @type {Float64Array} */ ys, y = { min: 0, max: 100 }) =>
  plot([[xs, ys]], { min: 0, max: 100 }, y);

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("barsPaths", () => {
  it("draws a bar from the baseline to each value, 80 % of the smallest gap wide, centred on x", () => {
    const { newPen } = pens();
    // Gaps 10 and 20 pixels: bars 8 wide.
    const paths = barsPaths(square(f64(0, 10, 30), f64(50, 100, 25)), 1, Y, null, newPen);
    expect(paths?.fill.ops).toEqual([
      ["R", -4, 50, 8, 50],
      ["R", 6, 0, 8, 100],
      ["R", 26, 75, 8, 25],
    ]);
  });

  it("fills only: no stroke, clip or band", () => {
    const { made, newPen } = pens();
    const paths = barsPaths(square(f64(0, 10), f64(0, 1)), 1, Y, null, newPen);
    expect(made).toHaveLength(1);
    expect({ ...paths, fill: "a pen" }).toEqual({ stroke: null, fill: "a pen", clip: null, band: null, flags: 0 });
  });

  it("maps values linearly into the plotting box, bars of negative values going down from 0", () => {
    const { newPen } = pens();
    const u = plot(
      [[f64(0, 5, 10), f64(-10, 5, 10)]],
      { min: 0, max: 10 },
      { min: -10, max: 10 },
      {
        left: 10,
        top: 20,
        width: 100,
        height: 50,
      },
    );
    // Gap 50 pixels: bars 40 wide; y = 0 at pixel 45.
    expect(barsPaths(u, 1, Y, null, newPen)?.fill.ops).toEqual([
      ["R", -10, 45, 40, 25],
      ["R", 40, 32.5, 40, 12.5],
      ["R", 90, 20, 40, 25],
    ]);
  });

  it("starts the bars at the bottom of a range above 0, at the top of one below", () => {
    const { newPen } = pens();
    expect(barsPaths(square(f64(50), f64(7.5), { min: 5, max: 10 }), 1, Y, null, newPen)?.fill.ops).toEqual([
      ["R", 45, 50, 10, 50],
    ]);
    expect(barsPaths(square(f64(50), f64(-7.5), { min: -10, max: -5 }), 1, Y, null, newPen)?.fill.ops).toEqual([
      ["R", 45, 0, 10, 50],
    ]);
  });

  it("gives a lone point a bar 10 CSS pixels wide", () => {
    const { newPen } = pens();
    expect(barsPaths(square(f64(50), f64(50)), 1, Y, null, newPen)?.fill.ops).toEqual([["R", 45, 50, 10, 50]]);
    vi.stubGlobal("devicePixelRatio", 2);
    expect(barsPaths(square(f64(50), f64(50)), 1, Y, null, newPen)?.fill.ops).toEqual([["R", 40, 50, 20, 50]]);
  });

  it("skips the gaps, which do not narrow the bars, nor do points at one x", () => {
    const { newPen } = pens();
    const xs = f64(0, 20, 21, 40, 40);
    const ys = f64(10, 20, NaN, 30, 40);
    // Gaps of 20 between the points drawn: bars 16 wide.
    expect(barsPaths(square(xs, ys), 1, Y, null, newPen)?.fill.ops).toEqual([
      ["R", -8, 90, 16, 10],
      ["R", 12, 80, 16, 20],
      ["R", 32, 70, 16, 30],
      ["R", 32, 60, 16, 40],
    ]);
  });

  it("is at least a pixel wide", () => {
    const { newPen } = pens();
    // Gap 1.25 pixels: bars exactly 1 wide, drawn one per point.
    const ops = barsPaths(square(f64(10, 11.25, 12.5), f64(10, 20, 30)), 1, Y, null, newPen)?.fill.ops;
    expect(ops?.map(([, , , w]) => w)).toEqual([1, 1, 1]);
  });

  it("maps through the series' own y scale", () => {
    const { newPen } = pens();
    const u = plot([[f64(50), f64(100)]], { min: 0, max: 100 }, { min: 0, max: 10 }, undefined, {
      y2: { min: -200, max: 200 },
    });
    expect(barsPaths(u, 1, { scale: "y2", log: false }, null, newPen)?.fill.ops).toEqual([["R", 45, 25, 10, 25]]);
  });

  it("maps a log scale by the logarithm of the value, bars starting at the bottom", () => {
    const { newPen } = pens();
    const u = plot([[f64(0, 50, 100), f64(1, 10, 100)]], { min: 0, max: 100 }, { min: 1, max: 100 });
    expect(barsPaths(u, 1, { scale: "y", log: true }, null, newPen)?.fill.ops).toEqual([
      ["R", -20, 100, 40, 0],
      ["R", 30, 50, 40, 50],
      ["R", 80, 0, 40, 100],
    ]);
  });

  it("draws a pixel-wide bar per pixel column where bars would be narrower, to the value farthest from 0", () => {
    const { newPen } = pens();
    // Columns 10 (values 30, -80, 50) and 11 (values 20, 40); pixel y = 50 - y / 2.
    const xs = f64(10.1, 10.2, 10.3, 10.6, 10.9);
    const ys = f64(30, -80, 50, 20, 40);
    const ops = barsPaths(square(xs, ys, { min: -100, max: 100 }), 1, Y, null, newPen)?.fill.ops;
    expect(ops).toEqual([
      ["R", 9.5, 50, 1, 40],
      ["R", 10.5, 30, 1, 20],
    ]);
  });

  it("keeps the pen calls bounded by columns, not points", () => {
    const { newPen } = pens();
    const n = 100_000;
    const xs = Float64Array.from({ length: n }, (_, i) => i);
    const u = plot([[xs, xs.map((x) => Math.sin(x))]], { min: 0, max: n - 1 }, { min: -1, max: 1 });
    const ops = barsPaths(u, 1, Y, null, newPen)?.fill.ops ?? [];
    expect(ops.length).toBeGreaterThanOrEqual(100);
    expect(ops.length).toBeLessThanOrEqual(101);
    expect(ops.every(([, , , w]) => w === 1)).toBe(true);
  });

  it("draws the same dense bars from the ring's block summaries as from the points", () => {
    const n = 20_000;
    const ring = new Ring(n);
    const xs = Float64Array.from({ length: n }, (_, i) => i);
    ring.append(
      xs,
      xs.map((x) => (x % 5000 === 77 ? NaN : Math.sin(x / 300) * 50 + (x % 7))),
    );
    const u = plot(
      [[ring.xs(), ring.ys()]],
      { min: 0, max: n - 1 },
      { min: -60, max: 60 },
      {
        left: 0,
        top: 0,
        width: 200,
        height: 100,
      },
    );
    let asked = 0;
    /** @type {import("../trace.js").Summarise} */
    const summarise = (from, to, out) => {
      asked += 1;
      return ring.summary(from, to, out);
    };
    const walked = barsPaths(u, 1, Y, null, pens().newPen)?.fill.ops;
    const summarised = barsPaths(u, 1, Y, summarise, pens().newPen)?.fill.ops;
    expect(summarised).toEqual(walked);
    expect(asked).toBeGreaterThan(0);
  });

  it("draws nothing, and makes no path, before the scales are set or for an empty series", () => {
    const { made, newPen } = pens();
    const pair = /** @type {[Float64Array, Float64Array]} */ ([f64(0, 1), f64(0, 1)]);
    const set = { min: 0, max: 1 };
    expect(barsPaths(plot([pair], {}, set), 1, Y, null, newPen)).toBeNull();
    expect(barsPaths(plot([pair], set, { max: 1 }), 1, Y, null, newPen)).toBeNull();
    expect(barsPaths(plot([[f64(), f64()]], set, set), 1, Y, null, newPen)).toBeNull();
    expect(made).toHaveLength(0);
  });
});

describe("bars", () => {
  it("fills its bars in the series' colour, without outline or point markers", () => {
    const options = bars.series(styled({ color: "#abcdef", width: 3 }), () => null);
    expect(options.stroke).toBe("#abcdef");
    expect(options.fill).toBe("#abcdef");
    expect(options.width).toBe(0);
    expect(options.points).toEqual({ show: false });
  });

  it("draws on the series' scale with its summaries", () => {
    /** @type {number[]} */
    const asked = [];
    const options = bars.series(styled({ scale: "y2" }), (si) => {
      asked.push(si);
      return null;
    });
    const u = plot([[f64(0.5), f64(0.5)]], { min: 0, max: 1 }, { min: 0, max: 10 }, undefined, {
      y2: { min: -1, max: 1 },
    });
    expect(drawn(options, u, 1)?.fill?.ops).toEqual([["R", 45, 25, 10, 25]]);
    expect(asked).toEqual([1]);
  });
});
