// @ts-check
/** @import { ChartKind } from "./index.js" */
/** @import { YAxis, PlotView } from "./mapping.js" */
/** @import { Pen, Summarise } from "../trace.js" */
import { traceLine } from "../trace.js";
import { pixelMap } from "./mapping.js";

/**
 * The area kind: the line of the line kind, with the area between it and the
 * baseline (y = 0, or the edge of the box nearest to it; the bottom on a log
 * scale) filled in a translucent tint of the series' colour, so overlapping
 * series stay visible through each other. Each run of points between gaps
 * (NaN) is a closed polygon of its own, so a gap leaves no fill either.
 *
 * The fill's outline is the line itself, traced once into both paths: where
 * points outnumber pixels the line folds to a vertical stroke per pixel column
 * (see trace.js), and the fill's outline folds with it, at no cost of its own.
 */

/** @typedef {Pen & {closePath(): void}} FillPen */

/**
 * The fill of a colour at a quarter of its opacity.
 * @param {string} color "#rrggbb", or any CSS colour
 */
export function translucent(color) {
  if (/^#[0-9a-f]{6}$/i.test(color)) return `${color}40`;
  return `color-mix(in srgb, ${color} 25%, transparent)`;
}

/**
 * The line of series `si` through the points in view and the area under it,
 * or null when there is nothing to draw (no scales yet, or an empty series).
 * @template {FillPen} P
 * @param {PlotView} u
 * @param {number} si series index in the plot (1 for the first series)
 * @param {YAxis} y the series' y scale (a SeriesStyle will do)
 * @param {Summarise | null} summarise the series' block summaries, if any;
 *   not used on a log scale, whose data has its y <= 0 turned to gaps
 * @param {() => P} newPen makes a path (a Path2D in the chart): the stroke, then the fill
 * @returns {{stroke: P, fill: P, clip: null, band: null, flags: number} | null}
 */
export function areaPaths(u, si, y, summarise, newPen) {
  const m = pixelMap(u, si, y.scale, y.log);
  if (!m) return null;
  const stroke = newPen();
  const fill = newPen();
  const { baseline } = m;
  let down = false; // a run is open on the fill
  let x0 = 0; // where the open run started
  let xn = 0; // where the pen is
  // Down to the baseline, back under the run, and shut.
  const close = () => {
    if (!down) return;
    fill.lineTo(xn, baseline);
    fill.lineTo(x0, baseline);
    fill.closePath();
    down = false;
  };
  /** @type {Pen} */
  const both = {
    moveTo(px, py) {
      close();
      stroke.moveTo(px, py);
      fill.moveTo(px, py);
      down = true;
      x0 = xn = px;
    },
    lineTo(px, py) {
      stroke.lineTo(px, py);
      fill.lineTo(px, py);
      xn = px;
    },
  };
  traceLine(both, m.xs, m.ys, m.i0, m.i1, m.toPx, m.toPy, (!y.log && summarise) || undefined);
  close();
  return { stroke, fill, clip: null, band: null, flags: 0 };
}

/** @type {ChartKind} */
export const area = {
  name: "area",
  series: (style, summaryOf) => ({
    stroke: style.color,
    fill: translucent(style.color),
    width: style.width,
    ...(style.dash.length > 0 ? { dash: style.dash } : {}),
    points: { show: false },
    paths: (u, si) => areaPaths(u, si, style, summaryOf(si), () => new Path2D()),
  }),
};
