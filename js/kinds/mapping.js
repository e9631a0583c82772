// @ts-check
/** @import uPlot from "uplot" */
import { facet } from "../facets.js";
import { lowerBound, upperBound } from "../ranges.js";

/**
 * The pixel mapping every kind draws through: which points of a series are in
 * view, and where a value lands on the canvas. The mapping is done here rather
 * than through uPlot's valToPos because it runs once per point in view, the hot
 * loop with long windows; it must agree with uPlot's own axes, which map a log
 * scale (distr 3) by log10 the same way.
 */

/**
 * What a paths builder reads of the plot: its data (see facets.js), its scales
 * by key ("x", and the y scale of each series) and its plotting box in canvas
 * pixels.
 * @typedef {Pick<uPlot, "data" | "scales" | "bbox">} PlotView
 */

/**
 * The y axis a series draws on: its uPlot scale key, and whether that scale is
 * logarithmic (base 10). A SeriesStyle is one.
 * @typedef {{scale: string, log: boolean}} YAxis
 */

/**
 * The points of one series in view and how they map to the canvas.
 * @typedef {{
 *   xs: Float64Array,
 *   ys: Float64Array,
 *   i0: number,
 *   i1: number,
 *   toPx: (x: number) => number,
 *   toPy: (y: number) => number,
 *   left: number,
 *   top: number,
 *   width: number,
 *   height: number,
 *   baseline: number,
 * }} PixelMap
 *   i0, i1: first and last index to draw (inclusive), one point beyond each
 *   edge of the x range so what joins points runs to the border of the plot;
 *   baseline: pixel y where fills and bars start, that of y = 0 held inside
 *   the box (so bars of all-positive data on a range not holding 0 start at
 *   its bottom), or the bottom of the box on a log scale (which has no 0)
 */

/**
 * The device pixels of one CSS pixel, as uPlot scales its canvas: sizes given
 * in CSS pixels (a dot, a lone bar) are drawn in canvas pixels.
 */
export function pxRatio() {
  return globalThis.devicePixelRatio || 1;
}

/**
 * The mapping of series `si` to the canvas, or null when there is nothing to
 * draw: an empty series, or scales not set yet (or, on a log scale, a range
 * not above 0, which has no logarithm).
 * @param {PlotView} u
 * @param {number} si series index in the plot (1 for the first series)
 * @param {string} scaleKey the series' y scale
 * @param {boolean} log that scale is logarithmic: the data has no y <= 0 (the
 *   chart hands those over as NaN, gaps)
 * @returns {PixelMap | null}
 */
export function pixelMap(u, si, scaleKey, log) {
  const [xs, ys] = facet(u, si);
  const { min, max } = u.scales.x;
  if (min == null || max == null || xs.length === 0) return null;
  const yScale = u.scales[scaleKey];
  if (!yScale) return null;
  const { min: y0, max: y1 } = yScale;
  if (y0 == null || y1 == null) return null;
  if (log && !(y0 > 0 && y1 > 0)) return null;
  const i0 = Math.max(0, lowerBound(xs, min) - 1);
  const i1 = Math.min(xs.length - 1, upperBound(xs, max));
  const { left, top, width, height } = u.bbox;
  const kx = width / (max - min);
  const toPx = (/** @type {number} */ x) => left + (x - min) * kx;
  const bottom = top + height;
  /** @type {(y: number) => number} */
  let toPy;
  let baseline;
  if (log) {
    const l1 = Math.log10(y1);
    const ky = height / (l1 - Math.log10(y0));
    toPy = (y) => top + (l1 - Math.log10(y)) * ky;
    baseline = bottom;
  } else {
    const ky = height / (y1 - y0);
    toPy = (y) => top + (y1 - y) * ky;
    baseline = Math.min(bottom, Math.max(top, toPy(0)));
  }
  return { xs, ys, i0, i1, toPx, toPy, left, top, width, height, baseline };
}
