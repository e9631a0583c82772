import { describe, expect, it } from "vitest";
import { Ring } from "./ring.js";
import { traceLine } from "./trace.js";

/** A pen that records its calls. */
function recorder() {
  /** @type {Array<[string, number, number]>} */
  const ops = [];
  return {
    ops,
    moveTo: (/** @type {number} */ x, /** @type {number} */ y) => ops.push(["M", x, y]),
    lineTo: (/** @type {number} */ x, /** @type {number} */ y) => ops.push(["L", x, y]),
  };
}

const id = (/** @type {number} */ v) => v;
/** @param {number[]} v */
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
    traceLine(
      pen,
      f64(0, 1, 2, 3),
      f64(0, 1, 2, 3),
      1,
      2,
      (x) => x * 100,
      (y) => -y,
    );
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

describe("traceLine with summaries", () => {
  it("draws the same path as the point-by-point walk", () => {
    let seed = 11;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    let folded = 0;
    for (let trial = 0; trial < 60; trial++) {
      const n = 200 + Math.floor(rand() * 5000);
      const ring = new Ring(n);
      const xs = new Float64Array(n);
      const ys = new Float64Array(n);
      let x = 0;
      const gaps = rand() < 0.5 ? 0 : rand() * 0.01;
      for (let i = 0; i < n; i++) {
        x += rand() < 0.1 ? rand() * 50 : rand();
        xs[i] = rand() < gaps / 4 ? NaN : x;
        ys[i] = rand() < gaps ? NaN : Math.sin(i / 50) * 100 + rand() * 10;
      }
      // Wrap around the ring's storage first, so its start is not at 0.
      ring.append(new Float64Array(n / 3).fill(-1), new Float64Array(n / 3).fill(3));
      ring.append(xs, ys);
      const rx = ring.xs();
      const ry = ring.ys();
      const width = 50 + rand() * 800;
      const min = rand() * x * 0.3;
      const max = x - rand() * x * 0.3;
      const toPx = (/** @type {number} */ v) => 10 + ((v - min) * width) / (max - min);
      const toPy = (/** @type {number} */ v) => 5 + (120 - v) * 0.7;
      const i0 = Math.floor(rand() * n * 0.2);
      const i1 = n - 1 - Math.floor(rand() * n * 0.2);
      const plain = recorder();
      traceLine(plain, rx, ry, i0, i1, toPx, toPy);
      const fast = recorder();
      traceLine(fast, rx, ry, i0, i1, toPx, toPy, (a, b, out) => {
        folded += 1;
        return ring.summary(a, b, out);
      });
      expect(fast.ops).toEqual(plain.ops);
    }
    expect(folded).toBeGreaterThan(1000); // the summaries were used
  });
});

describe("traceLine over a ring given points out of order", () => {
  it("draws left to right, the same with summaries as point by point", () => {
    const rand = (() => {
      let s = 5;
      return () => {
        s = (s * 1103515245 + 12345) % 2147483648;
        return s / 2147483648;
      };
    })();
    let folded = 0;
    for (let trial = 0; trial < 20; trial++) {
      const cap = 2000 + Math.floor(rand() * 3000);
      const ring = new Ring(cap);
      let x = 1000;
      // Live data in order, with late points and history merged in between.
      for (let step = 0; step < 30; step++) {
        const n = 1 + Math.floor(rand() * 400);
        const late = rand() < 0.3;
        const xs = new Float64Array(n);
        const ys = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          if (late) xs[i] = x - rand() * 1500;
          else {
            x += rand();
            xs[i] = x;
          }
          ys[i] = rand() < 0.002 ? NaN : Math.sin(xs[i] / 20) * 100 + rand() * 10;
        }
        if (late) xs.sort();
        ring.append(xs, ys);
      }
      const rx = ring.xs();
      const ry = ring.ys();
      const n = rx.length;
      const width = 50 + rand() * 800;
      const min = rx[0];
      const max = rx[n - 1];
      const toPx = (/** @type {number} */ v) => 10 + ((v - min) * width) / (max - min);
      const toPy = (/** @type {number} */ v) => 5 + (120 - v) * 0.7;
      const plain = recorder();
      traceLine(plain, rx, ry, 0, n - 1, toPx, toPy);
      const fast = recorder();
      traceLine(fast, rx, ry, 0, n - 1, toPx, toPy, (a, b, out) => {
        folded += 1;
        return ring.summary(a, b, out);
      });
      expect(fast.ops).toEqual(plain.ops);
      // Columns never go back, the points being in x order (save the one pixel of a
      // lone point's stub, after which a run may start again in the same column).
      const back = plain.ops.findIndex((op, k) => k > 0 && op[1] < plain.ops[k - 1][1] - 1);
      expect(back).toBe(-1);
    }
    expect(folded).toBeGreaterThan(100); // the summaries were used
  });
});
