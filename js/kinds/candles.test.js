/** @import uPlot from "uplot" */
/** @import { PlotView } from "./mapping.js" */
/** @import { CandleFacet } from "./candles.js" */
/** @import { Op, Recorder } from "./testing.js" */
import { afterEach, describe, expect, it, vi } from "vitest";
import { candleAt, candleFacet, candles, candlesPaths, FALLING, yExtent } from "./candles.js";
import { drawn, f64, pens, styled } from "./testing.js";

const UP = "#123456";
const BOX = { left: 0, top: 0, width: 100, height: 100 };

/**
 * A plot of candle series, each a facet [xs, close, open, high, low].
 * @param {Array<Float64Array[]>} facets
 * @param {{min?: number, max?: number}} x
 * @param {{min?: number, max?: number}} y
 * @param {{left: number, top: number, width: number, height: number}} bbox
 * @param {Record<string, {min?: number, max?: number}>} others more scales, by key ("y2")
 * @returns {PlotView}
 */
function plot(facets, x, y, bbox = BOX, others = {}) {
  const data = /** @type {uPlot.AlignedData} */ (/** @type {unknown} */ ([null, ...facets]));
  return { data, scales: { x, y, ...others }, bbox };
}

/**
 * The facet of these bars, each [x, open, high, low, close].
 * @param {Array<[number, number, number, number, number]>} bars
 * @returns {Float64Array[]}
 */
function facetOf(bars) {
  const column = (/** @type {number} */ k) => Float64Array.from(bars, (b) => b[k]);
  return [column(0), column(4), column(1), column(2), column(3)];
}

/** One series of these bars on x 0..100 and y 0..100 over a 100 x 100 box: pixel (x, 100 - y). */
const square = (/** @type {Array<[number, number, number, number, number]>} */ bars, y = { min: 0, max: 100 }) =>
  plot([facetOf(bars)], { min: 0, max: 100 }, y);

/** The linear "y" scale, bars of 10. */
const Y10 = { scale: "y", log: false, barWidth: 10 };

/**
 * What the rising and the falling pens drew.
 * @param {ReturnType<typeof candlesPaths<Recorder>>} paths
 * @param {string} [rising]
 * @returns {{up: Op[] | undefined, down: Op[] | undefined}}
 */
const ops = (paths, rising = UP) => ({ up: paths?.fill.get(rising)?.ops, down: paths?.fill.get(FALLING)?.ops });

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("candlesPaths", () => {
  it("draws a wick from low to high and a body from open to close, 70 % of the bar wide, in its middle", () => {
    const { newPen } = pens();
    // Bars 10 pixels wide from x: bodies 7 wide centred on x + 5; a wick a pixel wide in the body's middle.
    const paths = candlesPaths(
      square([
        [20, 40, 80, 10, 60],
        [40, 60, 70, 30, 50],
      ]),
      1,
      Y10,
      UP,
      newPen,
    );
    expect(ops(paths)).toEqual({
      up: [
        ["R", 25, 20, 1, 70],
        ["R", 22, 40, 7, 20],
      ],
      down: [
        ["R", 45, 30, 1, 40],
        ["R", 42, 40, 7, 10],
      ],
    });
  });

  it("fills rising candles in the series' colour and falling ones in FALLING, without stroke, clip or band", () => {
    const { made, newPen } = pens();
    const paths = candlesPaths(square([[20, 50, 60, 40, 50]]), 1, Y10, "#abcdef", newPen);
    expect(FALLING).toBe("#dc2626");
    expect(made).toHaveLength(2);
    expect([...(paths?.fill.keys() ?? [])]).toEqual(["#abcdef", FALLING]);
    expect(paths?.fill.get("#abcdef")?.ops).toHaveLength(2);
    expect(paths?.fill.get(FALLING)?.ops).toEqual([]);
    expect({ ...paths, fill: "pens" }).toEqual({ stroke: null, fill: "pens", clip: null, band: null, flags: 0 });
  });

  it("calls a candle that closes where it opened rising, and gives it a body a pixel tall", () => {
    const { newPen } = pens();
    expect(ops(candlesPaths(square([[20, 50, 60, 40, 50]]), 1, Y10, UP, newPen))).toEqual({
      up: [
        ["R", 25, 40, 1, 20],
        ["R", 22, 49.5, 7, 1],
      ],
      down: [],
    });
  });

  it("makes one path for both when the series' colour is FALLING", () => {
    const { made, newPen } = pens();
    const paths = candlesPaths(
      square([
        [20, 40, 80, 10, 60],
        [40, 60, 70, 30, 50],
      ]),
      1,
      Y10,
      FALLING,
      newPen,
    );
    expect(made).toHaveLength(1);
    expect(paths?.fill.get(FALLING)?.ops).toHaveLength(4);
  });

  it("skips the bars missing a value, which do not narrow the candles either", () => {
    const { newPen } = pens();
    const bars = /** @type {Array<[number, number, number, number, number]>} */ ([
      [0, 40, 60, 20, 50],
      [2, NaN, 60, 20, 50],
      [4, 40, NaN, 20, 50],
      [6, 40, 60, NaN, 50],
      [8, 40, 60, 20, NaN],
      [20, 40, 60, 20, 50],
    ]);
    // No barWidth: the gap between the two candles, 20 pixels, is the bar; bodies 14 wide.
    expect(ops(candlesPaths(square(bars), 1, { scale: "y", log: false }, UP, newPen)).up).toEqual([
      ["R", 9, 40, 1, 40],
      ["R", 3, 50, 14, 10],
      ["R", 29, 40, 1, 40],
      ["R", 23, 50, 14, 10],
    ]);
  });

  it("takes the smallest gap between candles for the bar without a barWidth, 10 CSS pixels for a lone one", () => {
    const { newPen } = pens();
    const bars = /** @type {Array<[number, number, number, number, number]>} */ ([
      [0, 40, 60, 20, 50],
      [10, 40, 60, 20, 50],
      [30, 40, 60, 20, 50],
    ]);
    const widths = (/** @type {Op[] | undefined} */ drawnOps) =>
      drawnOps?.filter((_, k) => k % 2 === 1).map((op) => op[3]);
    expect(widths(ops(candlesPaths(square(bars), 1, { scale: "y", log: false }, UP, newPen)).up)).toEqual([7, 7, 7]);
    expect(ops(candlesPaths(square([bars[1]]), 1, { scale: "y", log: false }, UP, newPen)).up).toEqual([
      ["R", 15, 40, 1, 40],
      ["R", 12, 50, 7, 10],
    ]);
    vi.stubGlobal("devicePixelRatio", 2);
    expect(ops(candlesPaths(square([bars[1]]), 1, { scale: "y", log: false }, UP, newPen)).up).toEqual([
      ["R", 19, 40, 1, 40],
      ["R", 13, 50, 14, 10],
    ]);
  });

  it("maps x and y into the plotting box, on the series' own y scale", () => {
    const { newPen } = pens();
    const u = plot(
      [facetOf([[5, 0, 100, -100, 50]])],
      { min: 0, max: 10 },
      { min: 0, max: 1 },
      { left: 10, top: 20, width: 100, height: 50 },
      { y2: { min: -100, max: 100 } },
    );
    // Bars of 2 are 20 pixels: the candle's middle at 10 + 50 + 10; y = 0 at pixel 45.
    expect(ops(candlesPaths(u, 1, { scale: "y2", log: false, barWidth: 2 }, UP, newPen)).up).toEqual([
      ["R", 69, 20, 1, 50],
      ["R", 63, 32.5, 14, 12.5],
    ]);
  });

  it("maps a log scale by the logarithm of the values, and skips bars with a value not above 0", () => {
    const { newPen } = pens();
    const u = plot(
      [
        facetOf([
          [20, 10, 100, 1, 100],
          [40, 10, 100, 0, 100],
          [60, 100, 100, 10, 10],
        ]),
      ],
      { min: 0, max: 100 },
      { min: 1, max: 100 },
    );
    // Pixel y = 100 - 50 log10(y).
    expect(ops(candlesPaths(u, 1, { scale: "y", log: true, barWidth: 10 }, UP, newPen))).toEqual({
      up: [
        ["R", 25, 0, 1, 100],
        ["R", 22, 0, 7, 50],
      ],
      down: [
        ["R", 65, 0, 1, 50],
        ["R", 62, 0, 7, 50],
      ],
    });
  });

  it("merges the bars of a pixel column into one candle: first open, highest high, lowest low, last close", () => {
    const { newPen } = pens();
    // Bars of 0.5 pixels (bodies far under 2): columns by the bar's middle, x + 0.25.
    const bars = /** @type {Array<[number, number, number, number, number]>} */ ([
      [10.0, 50, 60, 45, 55],
      [10.2, 55, 80, 50, 52],
      [10.4, 52, 99, 1, NaN],
      [10.6, 52, 58, 20, 40],
      [11.0, 40, 45, 35, 44],
      [11.2, 44, 50, 41, 48],
    ]);
    expect(ops(candlesPaths(square(bars), 1, { scale: "y", log: false, barWidth: 0.5 }, UP, newPen))).toEqual({
      // Column 11: 40, 50, 35, 48.
      up: [
        ["R", 11, 50, 1, 15],
        ["R", 11, 52, 1, 8],
      ],
      // Column 10: 50, 80, 20, 40.
      down: [
        ["R", 10, 20, 1, 60],
        ["R", 10, 50, 1, 10],
      ],
    });
  });

  it("draws merged columns as a candle of the column's first open, highest high, lowest low and last close", () => {
    // A seeded walk of 20 000 bars over 200 pixels.
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    /** @type {Array<[number, number, number, number, number]>} */
    const bars = [];
    let price = 50;
    for (let i = 0; i < 20_000; i++) {
      const open = price;
      price = Math.min(90, Math.max(10, price + (random() - 0.5) * 4));
      const high = Math.max(open, price) + random() * 3;
      const low = Math.min(open, price) - random() * 3;
      bars.push([i / 100, random() < 0.01 ? NaN : open, high, low, price]);
    }
    const u = plot([facetOf(bars)], { min: 0, max: 200 }, { min: 0, max: 100 }, { ...BOX, width: 200 });
    const got = ops(candlesPaths(u, 1, { scale: "y", log: false, barWidth: 0.01 }, UP, pens().newPen));

    /** @type {Map<number, [number, number, number, number]>} */
    const columns = new Map();
    for (const [x, o, h, l, c] of bars) {
      if (Number.isNaN(o)) continue;
      const col = Math.floor(x + 0.005);
      const merged = columns.get(col);
      if (merged) columns.set(col, [merged[0], Math.max(merged[1], h), Math.min(merged[2], l), c]);
      else columns.set(col, [o, h, l, c]);
    }
    /** @type {{up: Op[], down: Op[]}} */
    const want = { up: [], down: [] };
    for (const [col, [o, h, l, c]] of columns) {
      const [po, pc] = [100 - o, 100 - c];
      const tall = Math.abs(po - pc);
      const body = tall < 1 ? [(po + pc) / 2 - 0.5, 1] : [Math.min(po, pc), tall];
      const ops = c < o ? want.down : want.up;
      ops.push(["R", col, 100 - h, 1, h - l], ["R", col, body[0], 1, body[1]]);
    }
    expect(columns.size).toBe(200);
    expect(got.up?.length).toBe(want.up.length);
    expect(got.down?.length).toBe(want.down.length);
    const close = (/** @type {Op[] | undefined} */ a, /** @type {Op[]} */ b) =>
      a?.every((op, k) =>
        op.every((v, j) => (typeof v === "string" ? v === b[k][j] : Math.abs(v - Number(b[k][j])) < 1e-9)),
      );
    expect(close(got.up, want.up)).toBe(true);
    expect(close(got.down, want.down)).toBe(true);
  });

  it("keeps the pen calls bounded by the pixel columns, not the bars", () => {
    const n = 100_000;
    const xs = Float64Array.from({ length: n }, (_, i) => i);
    const open = xs.map(Math.sin);
    const facet = [xs, xs.map(Math.cos), open, open.map((v) => v + 1), open.map((v) => v - 1)];
    const u = plot([facet], { min: 0, max: n - 1 }, { min: -2, max: 2 });
    for (const y of [
      { scale: "y", log: false, barWidth: 1 },
      { scale: "y", log: false },
    ]) {
      const { up, down } = ops(candlesPaths(u, 1, y, UP, pens().newPen));
      const all = [...(up ?? []), ...(down ?? [])];
      // Two rectangles (wick and body) per column, a column or two beyond each edge at most.
      expect(all.length).toBeGreaterThanOrEqual(2 * 100);
      expect(all.length).toBeLessThanOrEqual(2 * 102);
      expect(all.every(([, , , w]) => w === 1)).toBe(true);
    }
  });

  it("draws nothing, and makes no path, before the scales are set or without bars", () => {
    const { made, newPen } = pens();
    const one = facetOf([[0, 1, 2, 0, 1]]);
    const set = { min: 0, max: 1 };
    expect(candlesPaths(plot([one], {}, set), 1, Y10, UP, newPen)).toBeNull();
    expect(candlesPaths(plot([one], set, { max: 1 }), 1, Y10, UP, newPen)).toBeNull();
    expect(candlesPaths(plot([facetOf([])], set, set), 1, Y10, UP, newPen)).toBeNull();
    // The empty [xs, ys] a chart starts with, and a pair that is not a candle facet.
    expect(candlesPaths(plot([[f64(), f64()]], set, set), 1, Y10, UP, newPen)).toBeNull();
    expect(candlesPaths(plot([[f64(0), f64(1)]], set, set), 1, Y10, UP, newPen)).toBeNull();
    expect(made).toHaveLength(0);
  });
});

describe("candleFacet", () => {
  it("reads a series' five arrays, and nothing of a pair", () => {
    const five = facetOf([[0, 1, 2, 0, 1]]);
    const u = plot([[f64(0), f64(1)], five], {}, {});
    expect(candleFacet(u, 2)).toBe(u.data[2]);
    expect(candleFacet(u, 1)).toBeNull();
  });
});

describe("candleAt", () => {
  const facet = /** @type {CandleFacet} */ (
    /** @type {unknown} */ (
      facetOf([
        [0, 1, 3, 0.5, 2],
        [10, 2, NaN, 1, 1.5],
      ])
    )
  );

  it("gives the bar at an index", () => {
    expect(candleAt(facet, 0)).toEqual({ x: 0, open: 1, high: 3, low: 0.5, close: 2 });
  });

  it("gives null for a bar without a candle, or an index outside the bars", () => {
    expect(candleAt(facet, 1)).toBeNull();
    expect(candleAt(facet, -1)).toBeNull();
    expect(candleAt(facet, 2)).toBeNull();
    expect(candleAt(facet, 0.5)).toBeNull();
  });
});

describe("yExtent", () => {
  const facet = /** @type {CandleFacet} */ (
    /** @type {unknown} */ (
      facetOf([
        [0, 10, 15, 5, 12],
        [1, 12, 30, 11, 20],
        [2, 20, 100, -100, NaN],
        [3, 20, 21, 2, 3],
        [4, 50, 45, 40, 41],
      ])
    )
  );

  it("is the lowest low and highest high of the bars i0..i1, bars without a candle aside", () => {
    expect(yExtent(facet, 0, 1)).toEqual([5, 30]);
    expect(yExtent(facet, 1, 3)).toEqual([2, 30]);
    expect(yExtent(facet, 0, 0)).toEqual([5, 15]);
  });

  it("holds an open or close outside the high and low", () => {
    expect(yExtent(facet, 4, 4)).toEqual([40, 50]);
  });

  it("keeps to the bars there are, and is null without a candle", () => {
    expect(yExtent(facet, -5, 99)).toEqual([2, 50]);
    expect(yExtent(facet, 2, 2)).toBeNull();
    expect(yExtent(facet, 3, 2)).toBeNull();
  });
});

describe("candles", () => {
  it("has the series' colour for the legend and cursor, no outline and no point markers", () => {
    const options = candles.series(styled({ color: "#abcdef", width: 3 }), () => null);
    expect(options.stroke).toBe("#abcdef");
    expect(options.fill).toBe("#abcdef");
    expect(options.width).toBe(0);
    expect(options.points).toEqual({ show: false });
  });

  it("draws on the series' scale with its bar width, rising in its colour and falling in FALLING", () => {
    const style = { ...styled({ color: "#abcdef", scale: "y2" }), barWidth: 0.2 };
    const options = candles.series(style, () => null);
    const u = plot(
      [
        facetOf([
          [0.2, 0, 1, -1, 0.5],
          [0.6, 0, 0.5, -0.5, -0.5],
        ]),
      ],
      { min: 0, max: 1 },
      { min: 0, max: 10 },
      BOX,
      { y2: { min: -1, max: 1 } },
    );
    const fill = /** @type {Map<string, Recorder>} */ (/** @type {unknown} */ (drawn(options, u, 1)?.fill));
    expect([...fill.keys()]).toEqual(["#abcdef", FALLING]);
    // Bars 20 pixels wide: bodies 14; pixel y = 50 - 50 y.
    expect(fill.get("#abcdef")?.ops).toEqual([
      ["R", 29, 0, 1, 100],
      ["R", 23, 25, 14, 25],
    ]);
    expect(fill.get(FALLING)?.ops).toEqual([
      ["R", 69, 25, 1, 50],
      ["R", 63, 50, 14, 25],
    ]);
  });
});
