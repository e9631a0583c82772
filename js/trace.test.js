import { describe, expect, it } from "vitest";
import { traceLine } from "./trace.js";

/** A pen that records its calls. */
function recorder() {
  const ops = [];
  return {
    ops,
    moveTo: (x, y) => ops.push(["M", x, y]),
    lineTo: (x, y) => ops.push(["L", x, y]),
  };
}

const id = (v) => v;
const f64 = (...v) => Float64Array.from(v);

describe("traceLine", () => {
  it("draws a polyline through distinct columns", () => {
    const pen = recorder();
    traceLine(pen, f64(0, 10, 20), f64(5, 6, 7), 0, 2, id, id);
    expect(pen.ops).toEqual([
      ["M", 0, 5],
      ["L", 10, 6],
      ["L", 20, 7],
    ]);
  });

  it("breaks the line at NaN", () => {
    const pen = recorder();
    traceLine(pen, f64(0, 10, 20, 30, 40), f64(1, 2, NaN, 4, 5), 0, 4, id, id);
    expect(pen.ops).toEqual([
      ["M", 0, 1],
      ["L", 10, 2],
      ["M", 30, 4],
      ["L", 40, 5],
    ]);
  });

  it("gives a lone point between gaps a visible stub", () => {
    const pen = recorder();
    traceLine(pen, f64(0, 10, 20), f64(NaN, 3, NaN), 0, 2, id, id);
    expect(pen.ops).toEqual([
      ["M", 10, 3],
      ["L", 11, 3],
    ]);
  });

  it("folds points on one pixel column into a min/max stroke", () => {
    const pen = recorder();
    // x 0.1..0.4 all round to column 0; y goes 5, 9, 1, 4.
    traceLine(pen, f64(0.1, 0.2, 0.3, 0.4, 3), f64(5, 9, 1, 4, 2), 0, 4, id, id);
    expect(pen.ops).toEqual([
      ["M", 0, 5],
      ["L", 0, 1],
      ["L", 0, 9],
      ["L", 0, 4],
      ["L", 3, 2],
    ]);
  });

  it("draws only the requested index range, through the given scales", () => {
    const pen = recorder();
    traceLine(pen, f64(0, 1, 2, 3), f64(0, 1, 2, 3), 1, 2, (x) => x * 100, (y) => -y);
    expect(pen.ops).toEqual([
      ["M", 100, -1],
      ["L", 200, -2],
    ]);
  });

  it("draws nothing for an all-NaN series", () => {
    const pen = recorder();
    traceLine(pen, f64(0, 1), f64(NaN, NaN), 0, 1, id, id);
    expect(pen.ops).toEqual([]);
  });

  it("keeps the number of pen calls bounded by columns, not points", () => {
    const pen = recorder();
    const n = 100_000;
    const xs = Float64Array.from({ length: n }, (_, i) => i / 1000); // 100 columns
    const ys = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
    traceLine(pen, xs, ys, 0, n - 1, id, id);
    expect(pen.ops.length).toBeLessThanOrEqual(4 * 101);
  });
});
