/** @import uPlot from "uplot" */
import { describe, expect, it } from "vitest";
import { Ring } from "../ring.js";
import { line, linePaths } from "./line.js";
import { f64, pens, plot, styled, Y } from "./testing.js";

describe("linePaths", () => {
  it("maps values linearly into the plotting box, y upwards", () => {
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
    const paths = linePaths(u, 1, Y, null, newPen);
    expect(paths?.stroke.ops).toEqual([
      ["M", 10, 70],
      ["L", 60, 45],
      ["L", 110, 20],
    ]);
  });

  it("strokes only: no fill, clip or band", () => {
    const { made, newPen } = pens();
    const paths = linePaths(plot([[f64(0, 1), f64(0, 1)]], { min: 0, max: 1 }, { min: 0, max: 1 }), 1, Y, null, newPen);
    expect(made).toHaveLength(1);
    expect(paths?.stroke.ops).toBe(made[0]);
    expect({ ...paths, stroke: "a pen" }).toEqual({ stroke: "a pen", fill: null, clip: null, band: null, flags: 0 });
  });

  it("draws the series it is asked for", () => {
    const { newPen } = pens();
    const u = plot(
      [
        [f64(0, 10), f64(0, 0)],
        [f64(0, 10), f64(10, 10)],
      ],
      { min: 0, max: 10 },
      { min: 0, max: 10 },
    );
    expect(linePaths(u, 2, Y, null, newPen)?.stroke.ops).toEqual([
      ["M", 0, 0],
      ["L", 100, 0],
    ]);
  });

  it("runs to one point beyond each edge of the x range, and no further", () => {
    const { newPen } = pens();
    const xs = f64(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    const u = plot([[xs, xs]], { min: 3.5, max: 6.5 }, { min: 0, max: 10 });
    const ops = linePaths(u, 1, Y, null, newPen)?.stroke.ops ?? [];
    // x 3 to 7: pixel columns (x - 3.5) * 100 / 3, rounded.
    expect(ops.map(([, px]) => px)).toEqual([-17, 17, 50, 83, 117]);
    expect(ops[0][0]).toBe("M");
  });

  it("breaks the line at a gap", () => {
    const { newPen } = pens();
    const u = plot([[f64(0, 1, 2, 3, 4), f64(1, 2, NaN, 4, 5)]], { min: 0, max: 4 }, { min: 0, max: 10 });
    const moves = (linePaths(u, 1, Y, null, newPen)?.stroke.ops ?? []).filter(([op]) => op === "M");
    expect(moves).toEqual([
      ["M", 0, 90],
      ["M", 75, 60],
    ]);
  });

  it("draws nothing, and makes no path, before the scales are set or for an empty series", () => {
    const { made, newPen } = pens();
    const pair = /** @type {[Float64Array, Float64Array]} */ ([f64(0, 1), f64(0, 1)]);
    const set = { min: 0, max: 1 };
    expect(linePaths(plot([pair], {}, set), 1, Y, null, newPen)).toBeNull();
    expect(linePaths(plot([pair], set, { max: 1 }), 1, Y, null, newPen)).toBeNull();
    expect(linePaths(plot([[f64(), f64()]], set, set), 1, Y, null, newPen)).toBeNull();
    expect(made).toHaveLength(0);
  });

  it("draws the same path from the ring's block summaries as from the points, and uses them", () => {
    const n = 20_000;
    const ring = new Ring(n);
    const xs = Float64Array.from({ length: n }, (_, i) => i);
    ring.append(
      xs,
      xs.map((x) => Math.sin(x / 300) * 50 + (x % 7)),
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
    const walked = linePaths(u, 1, Y, null, pens().newPen)?.stroke.ops;
    const summarised = linePaths(u, 1, Y, summarise, pens().newPen)?.stroke.ops;
    expect(summarised).toEqual(walked);
    expect(asked).toBeGreaterThan(0);
  });
});

describe("linePaths on other y scales", () => {
  it("maps through the series' own y scale", () => {
    const { newPen } = pens();
    const u = plot([[f64(0, 10), f64(0, 100)]], { min: 0, max: 10 }, { min: 0, max: 10 }, undefined, {
      y2: { min: 0, max: 200 },
    });
    expect(linePaths(u, 1, { scale: "y2", log: false }, null, newPen)?.stroke.ops).toEqual([
      ["M", 0, 100],
      ["L", 100, 50],
    ]);
  });

  it("maps a log scale by the logarithm of the value", () => {
    const { newPen } = pens();
    const u = plot([[f64(0, 1, 2), f64(1, 10, 100)]], { min: 0, max: 2 }, { min: 1, max: 100 });
    expect(linePaths(u, 1, { scale: "y", log: true }, null, newPen)?.stroke.ops).toEqual([
      ["M", 0, 100],
      ["L", 50, 50],
      ["L", 100, 0],
    ]);
  });

  it("leaves the summaries alone on a log scale, and draws nothing on a scale not above 0", () => {
    const { newPen } = pens();
    const xs = Float64Array.from({ length: 1000 }, (_, i) => i);
    const u = plot([[xs, xs.map((x) => 1 + (x % 9))]], { min: 0, max: 999 }, { min: 1, max: 10 });
    const summarise = () => {
      throw new Error("summaries asked for on a log scale");
    };
    expect(linePaths(u, 1, { scale: "y", log: true }, summarise, newPen)?.stroke.ops.length).toBeGreaterThan(0);
    const zero = plot([[xs, xs]], { min: 0, max: 999 }, { min: 0, max: 10 });
    expect(linePaths(zero, 1, { scale: "y", log: true }, null, newPen)).toBeNull();
  });

  it("draws nothing when the series' scale is not there or not set", () => {
    const { newPen } = pens();
    const u = plot([[f64(0, 1), f64(0, 1)]], { min: 0, max: 1 }, { min: 0, max: 1 }, undefined, { y2: {} });
    expect(linePaths(u, 1, { scale: "y2", log: false }, null, newPen)).toBeNull();
    expect(linePaths(u, 1, { scale: "y3", log: false }, null, newPen)).toBeNull();
  });
});

describe("line", () => {
  it("strokes at the style's width, dashed when the style is", () => {
    const solid = line.series(styled({ width: 3 }), () => null);
    expect(solid.width).toBe(3);
    expect("dash" in solid).toBe(false);
    expect(line.series(styled({ dash: [4, 2] }), () => null).dash).toEqual([4, 2]);
  });

  it("strokes each series in its colour, without point markers", () => {
    const options = line.series(styled({ id: 3, color: "#abcdef" }), () => null);
    expect(options.stroke).toBe("#abcdef");
    expect(options.width).toBe(1.5);
    expect(options.points).toEqual({ show: false });
  });

  it("asks for the summaries of the series it draws when it draws", () => {
    /** @type {number[]} */
    const asked = [];
    const options = line.series(styled({ color: "#000" }), (si) => {
      asked.push(si);
      return null;
    });
    expect(asked).toEqual([]);
    // An empty series: nothing to draw, so no Path2D is needed outside a browser.
    const u = plot(
      [
        [f64(), f64()],
        [f64(), f64()],
      ],
      { min: 0, max: 1 },
      { min: 0, max: 1 },
    );
    const paths = /** @type {NonNullable<typeof options.paths>} */ (options.paths);
    // The builder reads only the PlotView part of the plot.
    expect(paths(/** @type {uPlot} */ (/** @type {unknown} */ (u)), 2, 0, 0)).toBeNull();
    expect(asked).toEqual([2]);
  });
});
