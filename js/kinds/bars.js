// @ts-check
/** @import { ChartKind } from "./index.js" */
/** @import { YAxis, PlotView } from "./mapping.js" */
/** @import { Columns, Summarise } from "../trace.js" */
import { foldColumns } from "../trace.js";
import { pixelMap, pxRatio } from "./mapping.js";

/**
 * The bars kind: one bar per point, from the baseline (y = 0, or the edge of
 * the box nearest to it; the bottom on a log scale) to its value, centred on
 * its x and filled in the series' colour, without an outline. NaN points have
 * no bar.
 *
 * All bars are one width, 80 % of the smallest x gap between points in view,
 * so neighbours never touch however uneven the spacing; points at one x share
 * a place and do not narrow the bars. A lone point gets a bar 10 CSS pixels
 * wide. Where bars would come out narrower than a pixel (more points than
 * pixels) each pixel column gets one bar a pixel wide, to the value of the
 * column farthest from the baseline: the column's outline, as a line would
 * show it, at a cost proportional to the columns, found from the block
 * summaries as the line kind's columns are (see trace.js). The search for the
 * smallest gap stops as soon as it finds one that narrow, so it too costs at
 * most a step per pixel.
 */

/** A bar's share of the gap to its neighbour. */
const SHARE = 0.8;
/** Width of the bar of a lone point, in CSS pixels. */
const LONE = 10;

/** @typedef {{rect(x: number, y: number, w: number, h: number): void}} RectPen */

/**
 * The bars of series `si` in view, or null when there is nothing to draw (no
 * scales yet, or an empty series).
 * @template {RectPen} P
 * @param {PlotView} u
 * @param {number} si series index in the plot (1 for the first series)
 * @param {YAxis} y the series' y scale (a SeriesStyle will do)
 * @param {Summarise | null} summarise the series' block summaries, if any;
 *   not used on a log scale, whose data has its y <= 0 turned to gaps
 * @param {() => P} newPen makes the path to draw into (a Path2D in the chart)
 * @returns {{stroke: null, fill: P, clip: null, band: null, flags: number} | null}
 */
export function barsPaths(u, si, y, summarise, newPen) {
  const m = pixelMap(u, si, y.scale, y.log);
  if (!m) return null;
  const { xs, ys, i0, i1, toPx, toPy, baseline } = m;
  const fill = newPen();
  const narrow = 1 / SHARE; // a gap under this many pixels makes bars under one
  let gap = Infinity;
  let prev = NaN;
  for (let i = i0; i <= i1 && gap >= narrow; i++) {
    const x = xs[i];
    if (!Number.isFinite(x) || !Number.isFinite(ys[i])) continue;
    const px = toPx(x);
    const d = px - prev;
    if (d > 0 && d < gap) gap = d;
    prev = px;
  }

  if (gap < narrow) {
    let col = NaN;
    let far = baseline;
    const bar = () => {
      if (!Number.isNaN(col)) fill.rect(col - 0.5, Math.min(far, baseline), 1, Math.abs(far - baseline));
    };
    /** @type {Columns} */
    const out = {
      column(px, _first, lo, hi) {
        const end = Math.abs(lo - baseline) >= Math.abs(hi - baseline) ? lo : hi;
        // A gap inside a column hands it over twice: one bar still.
        if (px === col) {
          if (Math.abs(end - baseline) > Math.abs(far - baseline)) far = end;
        } else {
          bar();
          col = px;
          far = end;
        }
      },
      end() {},
    };
    foldColumns(out, xs, ys, i0, i1, toPx, toPy, (!y.log && summarise) || undefined);
    bar();
  } else {
    // One width for all, and whole pixels at the left edges, so bars look alike.
    const w = Math.max(1, Math.round(gap === Infinity ? LONE * pxRatio() : SHARE * gap));
    for (let i = i0; i <= i1; i++) {
      const x = xs[i];
      const v = ys[i];
      if (!Number.isFinite(x) || !Number.isFinite(v)) continue;
      const py = toPy(v);
      if (!Number.isFinite(py)) continue;
      fill.rect(Math.round(toPx(x) - w / 2), Math.min(py, baseline), w, Math.abs(py - baseline));
    }
  }
  return { stroke: null, fill, clip: null, band: null, flags: 0 };
}

/** @type {ChartKind} */
export const bars = {
  name: "bars",
  series: (style, summaryOf) => ({
    stroke: style.color,
    fill: style.color,
    // No outline; and uPlot clips a series to its box grown by half its width,
    // which would let the bars at the edges spill over the axes.
    width: 0,
    points: { show: false },
    paths: (u, si) => barsPaths(u, si, style, summaryOf(si), () => new Path2D()),
  }),
};
