import { afterEach, describe, expect, it, vi } from "vitest";
import { scatter, scatterPaths } from "./scatter.js";
import { drawn, f64, pens, plot, styled, Y } from "./testing.js";

/**
 * The centres of the dots drawn.
 * @param {Array<[string, ...number[]]>} ops
 */
const centres = (ops) => ops.filter(([op]) => op === "A").map(([, x, y]) => [x, y]);

describe("scatterPaths", () => {
  it("draws a dot of the given size on each point, each a subpath of its own", () => {
    const { newPen } = pens();
    const u = plot(
      [[f64(0, 5, 10), f64(0, 5, 10)]],
      { min: 0, max: 10 },
      { min: 0, max: 10 },
      {
        left: 10,
        top: 20,
        width: 100,
        height: 50,
      },
    );
    expect(scatterPaths(u, 1, Y, 4, newPen)?.fill.ops).toEqual([
      ["M", 12, 70],
      ["A", 10, 70, 2],
      ["M", 62, 45],
      ["A", 60, 45, 2],
      ["M", 112, 20],
      ["A", 110, 20, 2],
    ]);
  });

  it("fills only: no stroke, clip or band", () => {
    const { made, newPen } = pens();
    const paths = scatterPaths(plot([[f64(0, 1), f64(0, 1)]], { min: 0, max: 1 }, { min: 0, max: 1 }), 1, Y, 3, newPen);
    expect(made).toHaveLength(1);
    expect({ ...paths, fill: "a pen" }).toEqual({ stroke: null, fill: "a pen", clip: null, band: null, flags: 0 });
  });

  it("skips the gaps", () => {
    const { newPen } = pens();
    const u = plot([[f64(0, 1, 2, 3, 4), f64(1, 2, NaN, 4, 5)]], { min: 0, max: 4 }, { min: 0, max: 10 });
    expect(centres(scatterPaths(u, 1, Y, 3, newPen)?.fill.ops ?? [])).toEqual([
      [0, 90],
      [25, 80],
      [75, 60],
      [100, 50],
    ]);
  });

  it("draws one dot for the points on one pixel", () => {
    const { newPen } = pens();
    // Pixel (x, 100 - y): 10.1, 10.2 and 10.3 round to column 10; 50.2 and 49.9 to row 50.
    const xs = f64(10.1, 10.2, 10.3, 10.4, 20);
    const ys = f64(50.2, 49.9, 30, 50, 50);
    const u = plot([[xs, ys]], { min: 0, max: 100 }, { min: 0, max: 100 });
    expect(centres(scatterPaths(u, 1, Y, 3, newPen)?.fill.ops ?? [])).toEqual([
      [10, 50],
      [10, 70],
      [20, 50],
    ]);
  });

  it("draws no dot wholly outside the box", () => {
    const { newPen } = pens();
    // Rows -2 and 102 are within the radius (2) of the box; -3 and 103 are not.
    const u = plot([[f64(1, 2, 3, 4), f64(102, 103, -2, -3)]], { min: 0, max: 100 }, { min: 0, max: 100 });
    expect(centres(scatterPaths(u, 1, Y, 4, newPen)?.fill.ops ?? [])).toEqual([
      [1, -2],
      [3, 102],
    ]);
  });

  it("maps through the series' own y scale", () => {
    const { newPen } = pens();
    const u = plot([[f64(0, 10), f64(0, 100)]], { min: 0, max: 10 }, { min: 0, max: 10 }, undefined, {
      y2: { min: 0, max: 200 },
    });
    expect(centres(scatterPaths(u, 1, { scale: "y2", log: false }, 3, newPen)?.fill.ops ?? [])).toEqual([
      [0, 100],
      [100, 50],
    ]);
  });

  it("maps a log scale by the logarithm of the value", () => {
    const { newPen } = pens();
    const u = plot([[f64(0, 1, 2), f64(1, 10, 100)]], { min: 0, max: 2 }, { min: 1, max: 100 });
    expect(centres(scatterPaths(u, 1, { scale: "y", log: true }, 3, newPen)?.fill.ops ?? [])).toEqual([
      [0, 100],
      [50, 50],
      [100, 0],
    ]);
  });

  it("keeps the pen calls bounded by the pixels the points cover, not the points", () => {
    const { newPen } = pens();
    const n = 100_000;
    const xs = Float64Array.from({ length: n }, (_, i) => i);
    // Seven values, so seven rows in each of the 100 columns.
    const u = plot([[xs, xs.map((x) => x % 7)]], { min: 0, max: n - 1 }, { min: 0, max: 6 });
    const ops = scatterPaths(u, 1, Y, 3, newPen)?.fill.ops ?? [];
    expect(ops.length).toBeLessThanOrEqual(2 * 7 * 101);
    expect(ops.length).toBeGreaterThanOrEqual(2 * 7 * 100);
  });

  it("draws nothing, and makes no path, before the scales are set or for an empty series", () => {
    const { made, newPen } = pens();
    const pair = /** @type {[Float64Array, Float64Array]} */ ([f64(0, 1), f64(0, 1)]);
    const set = { min: 0, max: 1 };
    expect(scatterPaths(plot([pair], {}, set), 1, Y, 3, newPen)).toBeNull();
    expect(scatterPaths(plot([pair], set, { max: 1 }), 1, Y, 3, newPen)).toBeNull();
    expect(scatterPaths(plot([[f64(), f64()]], set, set), 1, Y, 3, newPen)).toBeNull();
    expect(made).toHaveLength(0);
  });
});

describe("scatter", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("fills its dots in the series' colour, without uPlot's point markers", () => {
    const options = scatter.series(styled({ color: "#abcdef" }), () => null);
    expect(options.stroke).toBe("#abcdef");
    expect(options.fill).toBe("#abcdef");
    expect(options.points).toEqual({ show: false });
  });

  it("sizes its dots from the stroke width, at least 3 CSS pixels across, in device pixels", () => {
    const u = plot([[f64(0), f64(0)]], { min: 0, max: 1 }, { min: 0, max: 1 });
    const radius = (/** @type {number} */ width) =>
      drawn(
        scatter.series(styled({ width }), () => null),
        u,
        1,
      )?.fill?.ops.find(([op]) => op === "A")?.[3];
    expect(radius(1.5)).toBe(2);
    expect(radius(3)).toBe(3.5);
    expect(radius(0.5)).toBe(1.5);
    vi.stubGlobal("devicePixelRatio", 2);
    expect(radius(1.5)).toBe(4);
  });

  it("draws on the series' scale", () => {
    const options = scatter.series(styled({ scale: "y2" }), () => null);
    const u = plot([[f64(0), f64(0)]], { min: 0, max: 1 }, { min: 0, max: 10 }, undefined, { y2: { min: -1, max: 1 } });
    expect(drawn(options, u, 1)?.fill?.ops.find(([op]) => op === "A")).toEqual(["A", 0, 50, 2]);
  });
});
