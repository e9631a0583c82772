// @ts-check
/** @import { ChartKind } from "./index.js" */
/** @import { YAxis, PlotView } from "./mapping.js" */
/** @import { Pen, Summarise } from "../trace.js" */
import { traceStep } from "../trace.js";
import { pixelMap } from "./mapping.js";

/**
 * The step kind: each series is a step-after line, for values that hold until
 * the next sample (a setting, a count, a state). The value of a point holds
 * until the x of the next point, then the line jumps to the next value. A gap
 * (NaN) is a point too, so the last value before it holds up to its x; the
 * line starts again at the next finite point. Where points outnumber pixels
 * the jumps of a pixel column fold into one vertical stroke (see trace.js),
 * drawn from the block summaries as the line kind's is.
 */

/**
 * The step line of series `si` through the points in view, or null when there
 * is nothing to draw (no scales yet, or an empty series).
 * @template {Pen} P
 * @param {PlotView} u
 * @param {number} si series index in the plot (1 for the first series)
 * @param {YAxis} y the series' y scale (a SeriesStyle will do)
 * @param {Summarise | null} summarise the series' block summaries, if any;
 *   not used on a log scale, whose data has its y <= 0 turned to gaps
 * @param {() => P} newPen makes the path to trace into (a Path2D in the chart)
 * @returns {{stroke: P, fill: null, clip: null, band: null, flags: number} | null}
 */
export function stepPaths(u, si, y, summarise, newPen) {
  const m = pixelMap(u, si, y.scale, y.log);
  if (!m) return null;
  const stroke = newPen();
  traceStep(stroke, m.xs, m.ys, m.i0, m.i1, m.toPx, m.toPy, (!y.log && summarise) || undefined);
  return { stroke, fill: null, clip: null, band: null, flags: 0 };
}

/** @type {ChartKind} */
export const step = {
  name: "step",
  series: (style, summaryOf) => ({
    stroke: style.color,
    width: style.width,
    ...(style.dash.length > 0 ? { dash: style.dash } : {}),
    points: { show: false },
    paths: (u, si) => stepPaths(u, si, style, summaryOf(si), () => new Path2D()),
  }),
};
