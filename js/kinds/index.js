// @ts-check
/** @import uPlot from "uplot" */
/** @import { Summarise } from "../trace.js" */
import { area } from "./area.js";
import { bars } from "./bars.js";
import { candles } from "./candles.js";
import { line } from "./line.js";
import { scatter } from "./scatter.js";
import { step } from "./step.js";

/**
 * The chart kinds, by name: how a chart draws each of its series. A kind gives
 * the uPlot options of one series (its paths builder, stroke, fill, points);
 * the chart adds what every kind shares (label, scales, cursor, axes). A new
 * kind is a module beside line.js, added to KINDS below.
 */

/**
 * How one series looks, whatever the kind. The chart decides the defaults.
 * @typedef {{id: number, name: string, color: string, width: number, dash: number[], scale: string, log: boolean,
 *   barWidth?: number}} SeriesStyle
 *   color: "#rrggbb" or a CSS colour name;
 *   width: stroke width in CSS pixels (of a line, step or area; a scatter dot
 *   is 2 * width + 1 across, at least 3; bars have no stroke);
 *   dash: canvas dash pattern, [] for a solid stroke;
 *   scale: the uPlot scale key of the series' y axis ("y" or "y2");
 *   log: that scale is logarithmic (base 10); the chart then hands over the
 *   data with every y <= 0 made NaN (a gap), and a range above 0;
 *   barWidth: a bar's width in x units, for candles (see candles.js)
 * @typedef {(si: number) => Summarise | null} SummaryOf
 *   the block summaries of series `si` (1 for the first) for the frame being
 *   drawn, or null (a frozen copy has none)
 * @typedef {{
 *   name: string,
 *   series: (style: SeriesStyle, summaryOf: SummaryOf) => uPlot.Series,
 * }} ChartKind
 */

/** The kind of a chart made without one. */
export const DEFAULT_KIND = "line";

/** @type {ReadonlyMap<string, ChartKind>} */
const KINDS = new Map([line, step, scatter, area, bars, candles].map((kind) => [kind.name, kind]));

/** The names of the kinds there are, in a stable order. */
export function kindNames() {
  return [...KINDS.keys()];
}

/**
 * The kind of that name.
 * @param {string} [name] DEFAULT_KIND when not given
 * @returns {ChartKind}
 * @throws {Error} naming the kinds there are, when there is none of that name
 */
export function chartKind(name = DEFAULT_KIND) {
  const kind = KINDS.get(name);
  if (!kind) {
    throw new Error(`unknown chart kind ${JSON.stringify(name)}: known kinds are ${kindNames().join(", ")}`);
  }
  return kind;
}
