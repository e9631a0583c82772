// @ts-check
/** @import { ChartKind } from "./index.js" */
/** @import { YAxis, PlotView } from "./mapping.js" */
import { pixelMap, pxRatio } from "./mapping.js";

/**
 * The scatter kind: one filled dot per point, nothing joining them, for data
 * whose order along x says nothing (samples, events). NaN points are skipped.
 *
 * Points on the same pixel draw one dot: a dot per point would make a long
 * window cost a path op per point to fill, most of them over each other. The
 * points are in x order, so their pixel columns come one after another and a
 * row seen in the current column is all that needs remembering: a stamp per
 * pixel row, the stamp changing with the column, so nothing is cleared. The
 * walk itself is one step per point in view; the block summaries cannot stand
 * in for it, a column's dots being anywhere between its extremes.
 *
 * The dots are the fill of the path (uPlot fills the `fill` path in the
 * series' fill colour, which is why the series has one), and there is no
 * stroke path.
 */

/**
 * @typedef {{moveTo(x: number, y: number): void, arc(x: number, y: number, r: number, a0: number, a1: number): void}} DotPen
 */

/**
 * The dots of series `si` in view, or null when there is nothing to draw (no
 * scales yet, or an empty series).
 * @template {DotPen} P
 * @param {PlotView} u
 * @param {number} si series index in the plot (1 for the first series)
 * @param {YAxis} y the series' y scale (a SeriesStyle will do)
 * @param {number} diameter of a dot, in canvas pixels
 * @param {() => P} newPen makes the path to draw into (a Path2D in the chart)
 * @returns {{stroke: null, fill: P, clip: null, band: null, flags: number} | null}
 */
export function scatterPaths(u, si, y, diameter, newPen) {
  const m = pixelMap(u, si, y.scale, y.log);
  if (!m) return null;
  const { xs, ys, toPx, toPy } = m;
  const r = diameter / 2;
  // Dots wholly outside the box would be clipped away: only rows and columns
  // within a radius of it count.
  const left = m.left - r;
  const right = m.left + m.width + r;
  const rowBase = Math.floor(m.top - r);
  const rows = Math.ceil(m.top + m.height + r) - rowBase + 1;
  const seen = new Uint32Array(rows);
  let stamp = 0;
  let col = NaN;
  const fill = newPen();
  for (let i = m.i0; i <= m.i1; i++) {
    const x = xs[i];
    const v = ys[i];
    if (!Number.isFinite(x) || !Number.isFinite(v)) continue;
    const px = Math.round(toPx(x));
    if (px < left || px > right) continue;
    const py = Math.round(toPy(v));
    const row = py - rowBase;
    // Written so that NaN fails it too: a y <= 0 handed to a log scale maps to NaN.
    if (!(row >= 0 && row < rows)) continue;
    if (px !== col) {
      col = px;
      stamp += 1;
    }
    if (seen[row] === stamp) continue;
    seen[row] = stamp;
    // A subpath of its own, or the fill would join it to the dot before.
    fill.moveTo(px + r, py);
    fill.arc(px, py, r, 0, 2 * Math.PI);
  }
  return { stroke: null, fill, clip: null, band: null, flags: 0 };
}

/** @type {ChartKind} */
export const scatter = {
  name: "scatter",
  series: (style) => ({
    stroke: style.color,
    fill: style.color,
    width: style.width,
    points: { show: false },
    paths: (u, si) => scatterPaths(u, si, style, Math.max(3, 2 * style.width + 1) * pxRatio(), () => new Path2D()),
  }),
};
