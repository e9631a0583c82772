// @ts-check
/** @import uPlot from "uplot" */
/** @import { ChartKind, SeriesStyle } from "./index.js" */
/** @import { YAxis, PlotView } from "./mapping.js" */
import { pixelMap, pxRatio } from "./mapping.js";

/**
 * The candles kind: one candle per bar of open, high, low and close values
 * (see "Candle charts" in docs/protocol.md). A candle is a wick, a vertical
 * line a device pixel wide from the bar's low to its high, and a body, a
 * rectangle from its open to its close (at least a pixel tall, so a bar that
 * closes where it opened still shows), 70 % of the bar's width across, both
 * centred on the middle of the bar (x is the bar's start). A bar missing any
 * of its four values (NaN) has no candle.
 *
 * Data: the series' facet in the plot's data holds five arrays instead of the
 * usual [xs, ys]: [xs, close, open, high, low], all of one length, x
 * ascending. Close comes second so that whatever reads a facet as [xs, ys]
 * (the cursor, the line kinds' ranges) sees the closing prices, as a line
 * chart of the same ticks would.
 *
 * The width of a bar is the style's `barWidth`, in x units (milliseconds on a
 * time axis), when it has one; otherwise the smallest x gap between the
 * candles in view, as the bars kind finds it (a lone candle then gets a bar
 * 10 CSS pixels wide).
 *
 * Two colours: rising candles (close >= open) in the series' colour, falling
 * ones in FALLING. uPlot 1.6 fills a paths builder's `fill` once, in the
 * series' fill colour, unless `fill` is a Map from fill style to Path2D: then
 * it fills each path of the Map in its own colour (the way its own bars
 * builder draws bars of several colours). The builder returns such a Map, one
 * path per direction, wicks and bodies together, as filled rectangles; there
 * is no stroke, so the series has width 0.
 *
 * Where candles would come out narrower than NARROW device pixels (more bars
 * than pixels, say), the bars of each pixel column are merged into one candle
 * a pixel wide: the open of its first bar, the highest high, the lowest low
 * and the close of its last bar, what a bar spanning the column would have
 * been. Drawing then costs a few rectangles per column, however many bars.
 * Finding the columns still reads each bar in view once: the ring's block
 * summaries are of one value per point (see trace.js), not of a bar's high
 * and low, so they cannot stand in for the bars here.
 */

/** The colour of falling candles (close < open): a red that reads on light and dark backgrounds. */
export const FALLING = "#dc2626";

/** A body's share of its bar's width. */
const SHARE = 0.7;
/** Bodies narrower than this many device pixels are merged per pixel column instead. */
const NARROW = 2;
/** Width of the bar of a lone candle with no barWidth, in CSS pixels. */
const LONE = 10;

/**
 * A candle series' style: that of every kind, and the width of its bars.
 * @typedef {SeriesStyle & {barWidth?: number}} CandleStyle
 *   barWidth: the width of a bar in x units (milliseconds on a time axis),
 *   `_bar_ms` of the chart; when absent or 0, the smallest x gap between the
 *   candles in view
 */

/**
 * A candle series' facet of the plot's data: x (the bar's start), then the
 * close, open, high and low of each bar, all of one length.
 * @typedef {[xs: ArrayLike<number>, close: ArrayLike<number>, open: ArrayLike<number>, high: ArrayLike<number>, low: ArrayLike<number>]} CandleFacet
 */

/** @typedef {{x: number, open: number, high: number, low: number, close: number}} Candle */

/** @typedef {{rect(x: number, y: number, w: number, h: number): void}} RectPen */

/**
 * The facet of candle series `si` (1 for the first) in the plot's data, or
 * null when it does not hold the five arrays of one (the chart starts every
 * series with an empty [xs, ys]).
 * @param {Pick<uPlot, "data">} u
 * @param {number} si
 * @returns {CandleFacet | null}
 */
export function candleFacet(u, si) {
  const f = /** @type {ArrayLike<number>[] | null | undefined} */ (/** @type {unknown} */ (u.data[si]));
  return f && f.length >= 5 ? /** @type {CandleFacet} */ (/** @type {unknown} */ (f)) : null;
}

/**
 * The bar at index `i` of a candle facet, for the hover read-out, or null
 * when there is none there, or it has no candle (a value is NaN or infinite).
 * @param {CandleFacet} facet
 * @param {number} i
 * @returns {Candle | null}
 */
export function candleAt(facet, i) {
  const [xs, close, open, high, low] = facet;
  if (!(i >= 0 && i < xs.length)) return null;
  const c = { x: xs[i], open: open[i], high: high[i], low: low[i], close: close[i] };
  const all = [c.x, c.open, c.high, c.low, c.close];
  return all.every(Number.isFinite) ? c : null;
}

/**
 * The y extent of the candles of bars i0..i1 (inclusive; clamped to the
 * bars there are): the lowest low and the highest high, or the lowest or
 * highest open or close should one lie outside them. Bars without a candle (a
 * value NaN or infinite) count for nothing. Null when no bar there has one.
 * @param {CandleFacet} facet
 * @param {number} i0
 * @param {number} i1
 * @returns {[number, number] | null}
 */
export function yExtent(facet, i0, i1) {
  const [, close, open, high, low] = facet;
  let lo = Infinity;
  let hi = -Infinity;
  const end = Math.min(i1, close.length - 1);
  for (let i = Math.max(0, i0); i <= end; i++) {
    const o = open[i];
    const h = high[i];
    const l = low[i];
    const c = close[i];
    if (!(Number.isFinite(o) && Number.isFinite(h) && Number.isFinite(l) && Number.isFinite(c))) continue;
    lo = Math.min(lo, l, o, c);
    hi = Math.max(hi, h, o, c);
  }
  return lo <= hi ? [lo, hi] : null;
}

/**
 * The candles of series `si` in view, or null when there is nothing to draw
 * (no scales yet, or a series without bars).
 * @template {RectPen} P
 * @param {PlotView} u
 * @param {number} si series index in the plot (1 for the first series)
 * @param {YAxis & {barWidth?: number}} y the series' y scale and bar width (a CandleStyle will do)
 * @param {string} rising the colour of rising candles
 * @param {() => P} newPen makes a path (a Path2D in the chart): that of the
 *   rising candles, then that of the falling ones (one path for both when
 *   their colours are the same)
 * @returns {{stroke: null, fill: Map<string, P>, clip: null, band: null, flags: number} | null}
 */
export function candlesPaths(u, si, y, rising, newPen) {
  const facet = candleFacet(u, si);
  if (!facet) return null;
  const m = pixelMap(u, si, y.scale, y.log);
  if (!m) return null;
  const { i0, i1, toPx, toPy } = m;
  const [xs, close, open, high, low] = facet;
  const log = y.log;
  /** Whether bar i has a candle: all values finite, and above 0 on a log scale. */
  const has = (/** @type {number} */ i) => {
    const o = open[i];
    const h = high[i];
    const l = low[i];
    const c = close[i];
    const ok = Number.isFinite(xs[i]) && Number.isFinite(o) && Number.isFinite(h);
    if (!(ok && Number.isFinite(l) && Number.isFinite(c))) return false;
    return !log || (o > 0 && h > 0 && l > 0 && c > 0);
  };

  // The width of a bar in pixels; under `narrow` its body would be under NARROW.
  const narrow = NARROW / SHARE;
  let bar = y.barWidth && y.barWidth > 0 ? toPx(y.barWidth) - toPx(0) : NaN;
  if (Number.isNaN(bar)) {
    // The search stops at the first gap too narrow, so it costs a step per pixel at most.
    let gap = Infinity;
    let prev = NaN;
    for (let i = i0; i <= i1 && gap >= narrow; i++) {
      if (!has(i)) continue;
      const px = toPx(xs[i]);
      const d = px - prev;
      if (d > 0 && d < gap) gap = d;
      prev = px;
    }
    bar = gap === Infinity ? LONE * pxRatio() : gap;
  }
  const half = bar / 2;

  const up = newPen();
  const down = rising === FALLING ? up : newPen();
  const fill = new Map([
    [rising, up],
    [FALLING, down],
  ]);

  /**
   * One candle, `w` pixels wide from pixel `left`, its values in pixels.
   * @param {number} left @param {number} w
   * @param {number} pyOpen @param {number} pyHigh @param {number} pyLow @param {number} pyClose
   * @param {boolean} falling
   */
  const candle = (left, w, pyOpen, pyHigh, pyLow, pyClose, falling) => {
    const pen = falling ? down : up;
    // Pixel y grows downwards: the high is at the top.
    pen.rect(left + ((w - 1) >> 1), Math.min(pyHigh, pyLow), 1, Math.abs(pyLow - pyHigh));
    let top = Math.min(pyOpen, pyClose);
    let h = Math.abs(pyOpen - pyClose);
    if (h < 1) {
      top = (pyOpen + pyClose) / 2 - 0.5;
      h = 1;
    }
    pen.rect(left, top, w, h);
  };

  if (bar < narrow) {
    let col = NaN;
    let o = 0;
    let h = 0;
    let l = 0;
    let c = 0;
    const flush = () => {
      if (!Number.isNaN(col)) candle(col, 1, toPy(o), toPy(h), toPy(l), toPy(c), c < o);
    };
    for (let i = i0; i <= i1; i++) {
      if (!has(i)) continue;
      const px = Math.floor(toPx(xs[i]) + half);
      if (px === col) {
        if (high[i] > h) h = high[i];
        if (low[i] < l) l = low[i];
        c = close[i];
      } else {
        flush();
        col = px;
        o = open[i];
        h = high[i];
        l = low[i];
        c = close[i];
      }
    }
    flush();
  } else {
    // One width for all, and whole pixels at the left edges, so candles look alike.
    const w = Math.max(1, Math.round(SHARE * bar));
    for (let i = i0; i <= i1; i++) {
      if (!has(i)) continue;
      const left = Math.round(toPx(xs[i]) + half - w / 2);
      candle(left, w, toPy(open[i]), toPy(high[i]), toPy(low[i]), toPy(close[i]), close[i] < open[i]);
    }
  }
  return { stroke: null, fill, clip: null, band: null, flags: 0 };
}

/** @type {ChartKind} */
export const candles = {
  name: "candles",
  series: (/** @type {CandleStyle} */ style) => ({
    // The legend's swatch and the cursor's point; the candles' colours are in their paths.
    stroke: style.color,
    fill: style.color,
    // No outline; and uPlot clips a series to its box grown by half its width,
    // which would let the candles at the edges spill over the axes.
    width: 0,
    points: { show: false },
    paths: (u, si) => candlesPaths(u, si, style, style.color, () => new Path2D()),
  }),
};
