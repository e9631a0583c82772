// @ts-check
/**
 * Traces one series as a polyline in pixel space.
 *
 * uPlot's own line builder treats only `null` as a gap, and typed arrays cannot
 * hold null; NaN would be skipped and its neighbours joined. This builder breaks
 * the line at every NaN (or infinite) y instead. When many points fall on the
 * same pixel column (a long window on a narrow chart) they are folded into one
 * vertical stroke from their minimum to their maximum, so the cost of drawing
 * stays proportional to the width of the chart, not the number of points.
 *
 * Walking the points themselves still costs one step per point, which for a
 * window of a million points is most of a frame. Given a `summarise` function
 * (the ring buffer's block summaries), a column holding many points is found by
 * a galloping search on x (sorted: the ring keeps each series in x order, late
 * points included) and folded from the summary of its index
 * range instead, unless that range holds a gap, which is walked point by point
 * as before. The path drawn is the same either way.
 */

/** A column is folded from the summary when it holds more than this many points. */
const DENSE = 16;

/**
 * @typedef {{moveTo(x: number, y: number): void, lineTo(x: number, y: number): void}} Pen
 * @typedef {import("./ring.js").Summary} Summary
 * @typedef {(from: number, to: number, out: Summary) => Summary} Summarise
 *   least and greatest finite y at indices [from, to), and whether any point there is a gap
 */

/**
 * @param {Pen} pen receives the path (a Path2D in the chart)
 * @param {ArrayLike<number>} xs
 * @param {ArrayLike<number>} ys
 * @param {number} i0 first index to draw
 * @param {number} i1 last index to draw (inclusive)
 * @param {(x: number) => number} toPx x value to pixel
 * @param {(y: number) => number} toPy y value to pixel (monotonic)
 * @param {Summarise} [summarise] summaries of the same xs and ys
 */
export function traceLine(pen, xs, ys, i0, i1, toPx, toPy, summarise) {
  let down = false; // the current run has started on the pen
  let col = NaN; // pixel column being accumulated, NaN when none
  let first = 0;
  let lo = 0;
  let hi = 0;
  let last = 0;
  let columns = 0; // columns drawn in the current run
  let flat = true; // the last column drawn was a single pixel high

  const flush = () => {
    if (Number.isNaN(col)) return;
    if (down) pen.lineTo(col, first);
    else {
      pen.moveTo(col, first);
      down = true;
    }
    flat = lo === first && hi === first && last === first;
    if (!flat) {
      pen.lineTo(col, lo);
      pen.lineTo(col, hi);
      pen.lineTo(col, last);
    }
    columns += 1;
  };

  // Ends a run of finite points. A run that is one flat column would draw
  // nothing, so it gets a one-pixel stub to stay visible.
  const endRun = () => {
    flush();
    if (columns === 1 && flat) pen.lineTo(col + 1, last);
    down = false;
    columns = 0;
    col = NaN;
  };

  /** @type {Summary} */
  const sum = { lo: 0, hi: 0, gap: false };
  let walkUntil = -1; // points up to here are walked one by one (a gap is among them)
  /** Whether point j falls in pixel column c. */
  const inColumn = (/** @type {number} */ j, /** @type {number} */ c) => Math.round(toPx(xs[j])) === c;

  for (let i = i0; i <= i1; i++) {
    const x = xs[i];
    const y = ys[i];
    if (!Number.isFinite(y) || !Number.isFinite(x)) {
      endRun();
      continue;
    }
    const px = Math.round(toPx(x));
    const py = toPy(y);
    if (summarise && i > walkUntil && i + DENSE <= i1 && inColumn(i + DENSE, px)) {
      // Last point of the column: gallop, then bisect (in column at k, not at end).
      let k = i + DENSE;
      let step = DENSE;
      while (k + step <= i1 && inColumn(k + step, px)) {
        k += step;
        step *= 2;
      }
      let end = Math.min(k + step, i1 + 1);
      while (end - k > 1) {
        const mid = (k + end) >>> 1;
        if (inColumn(mid, px)) k = mid;
        else end = mid;
      }
      summarise(i, k + 1, sum);
      if (!sum.gap) {
        // toPy is monotonic, so the extreme pixels are those of the extreme values.
        const a = toPy(sum.lo);
        const b = toPy(sum.hi);
        const top = Math.min(a, b);
        const bottom = Math.max(a, b);
        if (px !== col) {
          flush();
          col = px;
          first = lo = hi = py;
        }
        if (top < lo) lo = top;
        if (bottom > hi) hi = bottom;
        last = toPy(ys[k]);
        i = k;
        continue;
      }
      walkUntil = k;
    }
    if (px === col) {
      if (py < lo) lo = py;
      if (py > hi) hi = py;
      last = py;
    } else {
      flush();
      col = px;
      first = lo = hi = last = py;
    }
  }
  endRun();
}
