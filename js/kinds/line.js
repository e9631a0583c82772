// @ts-check
/** @import uPlot from "uplot" */
/** @import { ChartKind } from "./index.js" */
/** @import { Pen, Summarise } from "../trace.js" */
import { facet } from "../facets.js";
import { lowerBound, upperBound } from "../ranges.js";
import { traceLine } from "../trace.js";

/**
 * The line kind: each series is a polyline through its points in x order,
 * broken at every NaN (a gap), and folded to one vertical stroke per pixel
 * column where points outnumber pixels (see trace.js).
 */

/**
 * What a paths builder reads of the plot: its data (see facets.js), its scales
 * and its plotting box in canvas pixels.
 * @typedef {Pick<uPlot, "data" | "scales" | "bbox">} PlotView
 */

/**
 * The path of series `si` through the points in view, or null when there is
 * nothing to draw (no scales yet, or an empty series).
 * @template {Pen} P
 * @param {PlotView} u
 * @param {number} si series index in the plot (1 for the first series)
 * @param {Summarise | null} summarise the series' block summaries, if any
 * @param {() => P} newPen makes the path to trace into (a Path2D in the chart)
 * @returns {{stroke: P, fill: null, clip: null, band: null, flags: number} | null}
 */
export function linePaths(u, si, summarise, newPen) {
  const [xs, ys] = facet(u, si);
  const { min, max } = u.scales.x;
  if (min == null || max == null || xs.length === 0) return null;
  // One point beyond each edge so the line runs to the border of the plot.
  const i0 = Math.max(0, lowerBound(xs, min) - 1);
  const i1 = Math.min(xs.length - 1, upperBound(xs, max));
  // Both scales are linear, so the pixel mapping is done inline rather than
  // through valToPos, which is the hot loop with long windows.
  const { left, top, width, height } = u.bbox;
  const kx = width / (max - min);
  const { min: y0, max: y1 } = u.scales.y;
  if (y0 == null || y1 == null) return null;
  const ky = height / (y1 - y0);
  const stroke = newPen();
  traceLine(
    stroke,
    xs,
    ys,
    i0,
    i1,
    (x) => left + (x - min) * kx,
    (y) => top + (y1 - y) * ky,
    summarise ?? undefined,
  );
  // Stroke only: no fill, no clipping, no band.
  return { stroke, fill: null, clip: null, band: null, flags: 0 };
}

/** @type {ChartKind} */
export const line = {
  name: "line",
  series: (style, summaryOf) => ({
    stroke: style.color,
    width: 1.5,
    points: { show: false },
    paths: (u, si) => linePaths(u, si, summaryOf(si), () => new Path2D()),
  }),
};
