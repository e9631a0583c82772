// @ts-check
/**
 * Axis ranges and searches over sorted x arrays. x values of a series are
 * non-decreasing: the ring keeps each series sorted by x, whatever order its
 * points arrive in (a late point is merged into its place). NaN y values are gaps.
 */

/**
 * First index i in [0, xs.length] with xs[i] >= v.
 * @param {ArrayLike<number>} xs sorted
 * @param {number} v
 */
export function lowerBound(xs, v) {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * First index i in [0, xs.length] with xs[i] > v.
 * @param {ArrayLike<number>} xs sorted
 * @param {number} v
 */
export function upperBound(xs, v) {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Index of the x value nearest to v (the earlier one on a tie), or -1 when empty.
 * @param {ArrayLike<number>} xs sorted
 * @param {number} v
 */
export function nearestIndex(xs, v) {
  const n = xs.length;
  if (n === 0 || Number.isNaN(v)) return -1;
  const i = lowerBound(xs, v);
  if (i === 0) return 0;
  if (i === n) return n - 1;
  return v - xs[i - 1] <= xs[i] - v ? i - 1 : i;
}

/**
 * The x extent of several series, or null when all are empty.
 * @param {ArrayLike<number>[]} xsList each sorted (non-decreasing)
 * @returns {[number, number] | null}
 */
export function xExtent(xsList) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const xs of xsList) {
    const n = xs.length;
    if (n === 0) continue;
    // Sorted, so the first x is the least and the last the greatest.
    if (xs[0] < lo) lo = xs[0];
    if (xs[n - 1] > hi) hi = xs[n - 1];
  }
  return lo <= hi ? [lo, hi] : null;
}

/**
 * The y extent of the points whose x lies in [x0, x1], ignoring NaN and
 * infinite values, or null when there are none.
 * @param {Array<[ArrayLike<number>, ArrayLike<number>]>} data [xs, ys] per series
 * @param {number} x0
 * @param {number} x1
 * @param {Array<import("./trace.js").Summarise | null>} [summaries] per series, when
 *   available: the extent of a long window then costs far less than a walk over it
 * @returns {[number, number] | null}
 */
export function yExtent(data, x0, x1, summaries) {
  let lo = Infinity;
  let hi = -Infinity;
  const sum = { lo: Infinity, hi: -Infinity, gap: false };
  for (let k = 0; k < data.length; k++) {
    const [xs, ys] = data[k];
    const end = upperBound(xs, x1);
    const start = lowerBound(xs, x0);
    const summarise = summaries?.[k];
    if (summarise) {
      summarise(start, end, sum);
      if (sum.lo < lo) lo = sum.lo;
      if (sum.hi > hi) hi = sum.hi;
      continue;
    }
    for (let i = start; i < end; i++) {
      const y = ys[i];
      // Comparisons with NaN are false, so NaN never widens the range.
      if (y < lo && y !== -Infinity) lo = y;
      if (y > hi && y !== Infinity) hi = y;
    }
  }
  return lo <= hi ? [lo, hi] : null;
}

/**
 * Pads a value range for display: 5 % on each side, and a range of sensible
 * size around a single value so a flat line sits in the middle.
 * @param {[number, number] | null} range
 * @returns {[number, number]}
 */
export function padY(range) {
  if (!range) return [0, 1];
  const [lo, hi] = range;
  if (hi > lo) {
    const pad = (hi - lo) * 0.05;
    return [lo - pad, hi + pad];
  }
  const half = Math.abs(lo) * 0.1 || 1;
  return [lo - half, lo + half];
}

/**
 * Pads a range of positive values for a log scale: 5 % of its span in decades
 * on each side, and a decade around a single value.
 * @param {[number, number] | null} range least and greatest positive value
 * @returns {[number, number]}
 */
export function padLogY(range) {
  if (!range || !(range[0] > 0)) return [1, 10];
  const lo = Math.log10(range[0]);
  const hi = Math.log10(range[1]);
  const pad = hi > lo ? (hi - lo) * 0.05 : 0.5;
  return [10 ** (lo - pad), 10 ** (hi + pad)];
}

/**
 * Makes an x range drawable: a single instant or value gets some width
 * (one second either side for time axes).
 * @param {[number, number] | null} range
 * @param {boolean} isTime x values are epoch milliseconds
 * @returns {[number, number]}
 */
export function widenX(range, isTime) {
  if (!range) {
    const now = isTime ? Date.now() : 0;
    return isTime ? [now - 60_000, now] : [0, 1];
  }
  const [lo, hi] = range;
  if (hi > lo) return [lo, hi];
  const half = isTime ? 1000 : Math.abs(lo) * 0.05 || 0.5;
  return [lo - half, lo + half];
}
