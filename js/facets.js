// @ts-check
/** @import uPlot from "uplot" */

/**
 * The plot's data in uPlot's mode 2: a null, then one [xs, ys] pair per series
 * (series of a grouped feed have x values of their own). uPlot's typings know
 * only aligned data (one x array shared by all series), so these two functions
 * are the one place where the data crosses between the two shapes.
 */

/**
 * The data to hand uPlot for these series.
 * @param {ReadonlyArray<ReadonlyArray<ArrayLike<number>>>} pairs [xs, ys] per series, in order
 *   (a candle series has more arrays: see kinds/candles.js)
 * @returns {uPlot.AlignedData}
 */
export function faceted(pairs) {
  return /** @type {uPlot.AlignedData} */ (/** @type {unknown} */ ([null, ...pairs]));
}

/**
 * The [xs, ys] of series `si` (1 for the first) in the plot's data.
 * @param {Pick<uPlot, "data">} u
 * @param {number} si
 * @returns {[Float64Array, Float64Array]}
 */
export function facet(u, si) {
  return /** @type {[Float64Array, Float64Array]} */ (/** @type {unknown} */ (u.data[si]));
}
