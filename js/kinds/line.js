// @ts-check
/** @import { ChartKind } from "./index.js" */
/** @import { YAxis, PlotView } from "./mapping.js" */
/** @import { Pen, Summarise } from "../trace.js" */
import { traceLine } from "../trace.js";
import { pixelMap } from "./mapping.js";

/**
 * The line kind: each series is a polyline through its points in x order,
 * broken at every NaN (a gap), and folded to one vertical stroke per pixel
 * column where points outnumber pixels (see trace.js).
 */

/**
 * The path of series `si` through the points in view, or null when there is
 * nothing to draw (no scales yet, or an empty series).
 * @template {Pen} P
 * @param {PlotView} u
 * @param {number} si series index in the plot (1 for the first series)
 * @param {YAxis} y the series' y scale (a SeriesStyle will do)
 * @param {Summarise | null} summarise the series' block summaries, if any;
 *   not used on a log scale, whose data has its y <= 0 turned to gaps
 * @param {() => P} newPen makes the path to trace into (a Path2D in the chart)
 * @returns {{stroke: P, fill: null, clip: null, band: null, flags: number} | null}
 */
export function linePaths(u, si, y, summarise, newPen) {
  const m = pixelMap(u, si, y.scale, y.log);
  if (!m) return null;
  const stroke = newPen();
  traceLine(stroke, m.xs, m.ys, m.i0, m.i1, m.toPx, m.toPy, (!y.log && summarise) || undefined);
  // Stroke only: no fill, no clipping, no band.
  return { stroke, fill: null, clip: null, band: null, flags: 0 };
}

/** @type {ChartKind} */
export const line = {
  name: "line",
  series: (style, summaryOf) => ({
    stroke: style.color,
    width: style.width,
    ...(style.dash.length > 0 ? { dash: style.dash } : {}),
    points: { show: false },
    paths: (u, si) => linePaths(u, si, style, summaryOf(si), () => new Path2D()),
  }),
};
