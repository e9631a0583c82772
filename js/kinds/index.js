// @ts-check
/** @import uPlot from "uplot" */
/** @import { Summarise } from "../trace.js" */
import { line } from "./line.js";

/**
 * The chart kinds, by name: how a chart draws each of its series. A kind gives
 * the uPlot options of one series (its paths builder, stroke, fill, points);
 * the chart adds what every kind shares (label, scales, cursor, axes). A new
 * kind is a module beside line.js, added to KINDS below.
 */

/**
 * @typedef {{id: number, name: string, color: string}} SeriesStyle
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
const KINDS = new Map([[line.name, line]]);

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
