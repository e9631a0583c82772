import { describe, expect, it } from "vitest";
import { Ring } from "../ring.js";
import { step, stepPaths } from "./step.js";
import { drawn, f64, pens, plot, styled, Y } from "./testing.js";

describe("stepPaths", () => {
  it("holds each value until the next point's x, then jumps to the next value", () => {
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
    expect(stepPaths(u, 1, Y, null, newPen)?.stroke.ops).toEqual([
      ["M", 10, 70],
      ["L", 60, 70],
      ["L", 60, 45],
      ["L", 110, 45],
      ["L", 110, 20],
    ]);
  });

  it("strokes only: no fill, clip or band", () => {
    const { made, newPen } = pens();
    const paths = stepPaths(plot([[f64(0, 1), f64(0, 1)]], { min: 0, max: 1 }, { min: 0, max: 1 }), 1, Y, null, newPen);
    expect(made).toHaveLength(1);
    expect({ ...paths, stroke: "a pen" }).toEqual({ stroke: "a pen", fill: null, clip: null, band: null, flags: 0 });
  });

  it("holds the last value before a gap up to the gap, and starts again after it", () => {
    const { newPen } = pens();
    const u = plot([[f64(0, 1, 2, 3, 4), f64(1, 2, NaN, 4, 5)]], { min: 0, max: 4 }, { min: 0, max: 10 });
    expect(stepPaths(u, 1, Y, null, newPen)?.stroke.ops).toEqual([
      ["M", 0, 90],
      ["L", 25, 90],
      ["L", 25, 80],
      ["L", 50, 80],
      ["M", 75, 60],
      ["L", 100, 60],
      ["L", 100, 50],
    ]);
  });

  it("gives a lone last point a visible stub", () => {
    const { newPen } = pens();
    const u = plot([[f64(0, 1), f64(NaN, 5)]], { min: 0, max: 1 }, { min: 0, max: 10 });
    expect(stepPaths(u, 1, Y, null, newPen)?.stroke.ops).toEqual([
      ["M", 100, 50],
      ["L", 101, 50],
    ]);
  });

  it("folds the jumps of one pixel column into one vertical stroke, the held value included", () => {
    const { newPen } = pens();
    // x 10.1..10.3 fall on column 10; pixel y is 100 - y.
    const u = plot(
      [[f64(0, 10.1, 10.2, 10.3, 20), f64(50, 60, 20, 40, 30)]],
      { min: 0, max: 100 },
      { min: 0, max: 100 },
    );
    expect(stepPaths(u, 1, Y, null, newPen)?.stroke.ops).toEqual([
      ["M", 0, 50],
      ["L", 10, 50],
      ["L", 10, 40],
      ["L", 10, 80],
      ["L", 10, 60],
      ["L", 20, 60],
      ["L", 20, 70],
    ]);
  });

  it("maps through the series' own y scale", () => {
    const { newPen } = pens();
    const u = plot([[f64(0, 10), f64(0, 100)]], { min: 0, max: 10 }, { min: 0, max: 10 }, undefined, {
      y2: { min: 0, max: 200 },
    });
    expect(stepPaths(u, 1, { scale: "y2", log: false }, null, newPen)?.stroke.ops).toEqual([
      ["M", 0, 100],
      ["L", 100, 100],
      ["L", 100, 50],
    ]);
  });

  it("maps a log scale by the logarithm of the value", () => {
    const { newPen } = pens();
    const u = plot([[f64(0, 1, 2), f64(1, 10, 100)]], { min: 0, max: 2 }, { min: 1, max: 100 });
    expect(stepPaths(u, 1, { scale: "y", log: true }, null, newPen)?.stroke.ops).toEqual([
      ["M", 0, 100],
      ["L", 50, 100],
      ["L", 50, 50],
      ["L", 100, 50],
      ["L", 100, 0],
    ]);
  });

  it("keeps the pen calls bounded by columns, not points", () => {
    const { newPen } = pens();
    const n = 100_000;
    const xs = Float64Array.from({ length: n }, (_, i) => i);
    const ys = xs.map((x) => Math.sin(x));
    const u = plot([[xs, ys]], { min: 0, max: n - 1 }, { min: -1, max: 1 });
    const ops = stepPaths(u, 1, Y, null, newPen)?.stroke.ops ?? [];
    expect(ops.length).toBeGreaterThan(100);
    expect(ops.length).toBeLessThanOrEqual(1 + 4 * 101);
  });

  it("draws the same path from the ring's block summaries as from the points, and uses them", () => {
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
    const walked = stepPaths(u, 1, Y, null, pens().newPen)?.stroke.ops;
    const summarised = stepPaths(u, 1, Y, summarise, pens().newPen)?.stroke.ops;
    expect(summarised).toEqual(walked);
    expect(asked).toBeGreaterThan(0);
  });

  it("draws nothing, and makes no path, before the scales are set or for an empty series", () => {
    const { made, newPen } = pens();
    const pair = /** @type {[Float64Array, Float64Array]} */ ([f64(0, 1), f64(0, 1)]);
    const set = { min: 0, max: 1 };
    expect(stepPaths(plot([pair], {}, set), 1, Y, null, newPen)).toBeNull();
    expect(stepPaths(plot([pair], set, { max: 1 }), 1, Y, null, newPen)).toBeNull();
    expect(stepPaths(plot([[f64(), f64()]], set, set), 1, Y, null, newPen)).toBeNull();
    expect(made).toHaveLength(0);
  });
});

describe("step", () => {
  it("strokes each series in its colour and style, without point markers", () => {
    const options = step.series(styled({ color: "#abcdef", width: 2, dash: [3, 3] }), () => null);
    expect(options.stroke).toBe("#abcdef");
    expect(options.width).toBe(2);
    expect(options.dash).toEqual([3, 3]);
    expect(options.points).toEqual({ show: false });
    expect(options.fill).toBeUndefined();
  });

  it("draws on the series' scale with its summaries", () => {
    /** @type {number[]} */
    const asked = [];
    const options = step.series(styled({ scale: "y2" }), (si) => {
      asked.push(si);
      return null;
    });
    const u = plot([[f64(0, 1), f64(0, 0)]], { min: 0, max: 1 }, { min: 0, max: 10 }, undefined, {
      y2: { min: -1, max: 1 },
    });
    expect(drawn(options, u, 1)?.stroke?.ops).toEqual([
      ["M", 0, 50],
      ["L", 100, 50],
    ]);
    expect(asked).toEqual([1]);
  });
});
