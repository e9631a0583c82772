/** @import uPlot from "uplot" */
import { describe, expect, it } from "vitest";
import { faceted } from "../facets.js";
import { Ring } from "../ring.js";
import { line, linePaths } from "./line.js";

/** @typedef {import("./line.js").PlotView} PlotView */

/** @param {number[]} v */
const f64 = (...v) => Float64Array.from(v);

/**
 * The parts of a uPlot plot a paths builder reads: mode 2 data (a null, then
 * one [xs, ys] pair per series), the scales and the plotting box.
 * @param {Array<[Float64Array, Float64Array]>} pairs
 * @param {{min?: number, max?: number}} x scale range; unset before the plot first sets it
 * @param {{min?: number, max?: number}} y
 * @param {{left: number, top: number, width: number, height: number}} bbox
 * @returns {PlotView}
 */
function plot(pairs, x, y, bbox = { left: 0, top: 0, width: 100, height: 100 }) {
  return { data: faceted(pairs), scales: { x, y }, bbox };
}

/** A pen that records its calls, and how many pens were made. */
function pens() {
  /** @type {Array<Array<[string, number, number]>>} */
  const made = [];
  const newPen = () => {
    /** @type {Array<[string, number, number]>} */
    const ops = [];
    made.push(ops);
    return {
      ops,
      moveTo: (/** @type {number} */ x, /** @type {number} */ y) => ops.push(["M", x, y]),
      lineTo: (/** @type {number} */ x, /** @type {number} */ y) => ops.push(["L", x, y]),
    };
  };
  return { made, newPen };
}

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
    const paths = linePaths(u, 1, null, newPen);
    expect(paths?.stroke.ops).toEqual([
      ["M", 10, 70],
      ["L", 60, 45],
      ["L", 110, 20],
    ]);
  });

  it("strokes only: no fill, clip or band", () => {
    const { made, newPen } = pens();
    const paths = linePaths(plot([[f64(0, 1), f64(0, 1)]], { min: 0, max: 1 }, { min: 0, max: 1 }), 1, null, newPen);
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
    expect(linePaths(u, 2, null, newPen)?.stroke.ops).toEqual([
      ["M", 0, 0],
      ["L", 100, 0],
    ]);
  });

  it("runs to one point beyond each edge of the x range, and no further", () => {
    const { newPen } = pens();
    const xs = f64(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    const u = plot([[xs, xs]], { min: 3.5, max: 6.5 }, { min: 0, max: 10 });
    const ops = linePaths(u, 1, null, newPen)?.stroke.ops ?? [];
    // x 3 to 7: pixel columns (x - 3.5) * 100 / 3, rounded.
    expect(ops.map(([, px]) => px)).toEqual([-17, 17, 50, 83, 117]);
    expect(ops[0][0]).toBe("M");
  });

  it("breaks the line at a gap", () => {
    const { newPen } = pens();
    const u = plot([[f64(0, 1, 2, 3, 4), f64(1, 2, NaN, 4, 5)]], { min: 0, max: 4 }, { min: 0, max: 10 });
    const moves = (linePaths(u, 1, null, newPen)?.stroke.ops ?? []).filter(([op]) => op === "M");
    expect(moves).toEqual([
      ["M", 0, 90],
      ["M", 75, 60],
    ]);
  });

  it("draws nothing, and makes no path, before the scales are set or for an empty series", () => {
    const { made, newPen } = pens();
    const pair = /** @type {[Float64Array, Float64Array]} */ ([f64(0, 1), f64(0, 1)]);
    const set = { min: 0, max: 1 };
    expect(linePaths(plot([pair], {}, set), 1, null, newPen)).toBeNull();
    expect(linePaths(plot([pair], set, { max: 1 }), 1, null, newPen)).toBeNull();
    expect(linePaths(plot([[f64(), f64()]], set, set), 1, null, newPen)).toBeNull();
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
    const walked = linePaths(u, 1, null, pens().newPen)?.stroke.ops;
    const summarised = linePaths(u, 1, summarise, pens().newPen)?.stroke.ops;
    expect(summarised).toEqual(walked);
    expect(asked).toBeGreaterThan(0);
  });
});

describe("line", () => {
  it("strokes each series in its colour, without point markers", () => {
    const options = line.series({ id: 3, name: "s", color: "#abcdef" }, () => null);
    expect(options.stroke).toBe("#abcdef");
    expect(options.width).toBe(1.5);
    expect(options.points).toEqual({ show: false });
  });

  it("asks for the summaries of the series it draws when it draws", () => {
    /** @type {number[]} */
    const asked = [];
    const options = line.series({ id: 0, name: "s", color: "#000" }, (si) => {
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
