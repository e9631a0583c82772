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
 *
 * The folding into columns (foldColumns) is shared by the other traces built
 * on it: the step line here, and the dense bars of kinds/bars.js.
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
 * What receives the folded columns of one series.
 * @typedef {{
 *   column(px: number, first: number, lo: number, hi: number, last: number): void,
 *   end(gapPx: number): void,
 * }} Columns
 *   column: one pixel column of a run of finite points, in x order, with the pixel y
 *   of its first point, the least and greatest pixel y there and that of its last
 *   point (a column may come twice in a row when a gap falls inside it);
 *   end: the run of the columns since the last end is over, at the point whose
 *   pixel x is gapPx (NaN at the end of the points, or for a gap point without x)
 */

/**
 * Folds the points i0..i1 into pixel columns: the loop every trace shares (a
 * line, a step line, dense bars), so each is drawn at a cost proportional to
 * the columns, and from the summaries where a column holds many points.
 * @param {Columns} out receives the columns and the ends of runs
 * @param {ArrayLike<number>} xs
 * @param {ArrayLike<number>} ys
 * @param {number} i0 first index to draw
 * @param {number} i1 last index to draw (inclusive)
 * @param {(x: number) => number} toPx x value to pixel
 * @param {(y: number) => number} toPy y value to pixel (monotonic)
 * @param {Summarise} [summarise] summaries of the same xs and ys
 */
export function foldColumns(out, xs, ys, i0, i1, toPx, toPy, summarise) {
  let open = false; // a column of the current run has been handed on
  let col = NaN; // pixel column being accumulated, NaN when none
  let first = 0;
  let lo = 0;
  let hi = 0;
  let last = 0;

  const flush = () => {
    if (Number.isNaN(col)) return;
    out.column(col, first, lo, hi, last);
    open = true;
  };

  /** Ends a run of finite points at the point of pixel x `at`. */
  const endRun = (/** @type {number} */ at) => {
    flush();
    if (open) out.end(at);
    open = false;
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
      endRun(Number.isFinite(x) ? Math.round(toPx(x)) : NaN);
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
  endRun(NaN);
}

/**
 * Traces the points i0..i1 as a polyline: straight from column to column, and
 * in a column from its first point to its extremes and on to its last.
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
  let columns = 0; // columns drawn in the current run
  let flat = true; // the last column drawn was a single pixel high
  let col = 0;
  let at = 0; // pixel y the pen is at
  /** @type {Columns} */
  const out = {
    column(px, first, lo, hi, last) {
      if (down) pen.lineTo(px, first);
      else {
        pen.moveTo(px, first);
        down = true;
      }
      flat = lo === first && hi === first && last === first;
      if (!flat) {
        pen.lineTo(px, lo);
        pen.lineTo(px, hi);
        pen.lineTo(px, last);
      }
      columns += 1;
      col = px;
      at = last;
    },
    // A run that is one flat column would draw nothing, so it gets a one-pixel
    // stub to stay visible.
    end() {
      if (columns === 1 && flat) pen.lineTo(col + 1, at);
      down = false;
      columns = 0;
    },
  };
  foldColumns(out, xs, ys, i0, i1, toPx, toPy, summarise);
}

/**
 * Traces the points i0..i1 as a step-after line: each value holds until the
 * x of the next point, gap or not, then the line jumps to the next value. In
 * a dense column the jumps fold into one vertical stroke over the column's
 * extent, so a column costs at most four lineTo calls.
 * @param {Pen} pen receives the path (a Path2D in the chart)
 * @param {ArrayLike<number>} xs
 * @param {ArrayLike<number>} ys
 * @param {number} i0 first index to draw
 * @param {number} i1 last index to draw (inclusive)
 * @param {(x: number) => number} toPx x value to pixel
 * @param {(y: number) => number} toPy y value to pixel (monotonic)
 * @param {Summarise} [summarise] summaries of the same xs and ys
 */
export function traceStep(pen, xs, ys, i0, i1, toPx, toPy, summarise) {
  let down = false; // the current run has started on the pen
  let columns = 0; // columns drawn in the current run
  let flat = true; // the run's first column was a single pixel high
  let col = 0;
  let at = 0; // pixel y the pen is at
  /** Draws down the column to pixel y p, unless the pen is there. */
  const to = (/** @type {number} */ p) => {
    if (p !== at) {
      pen.lineTo(col, p);
      at = p;
    }
  };
  /** @type {Columns} */
  const out = {
    column(px, first, lo, hi, last) {
      if (down) {
        // The previous value holds up to this column: a horizontal, then the
        // vertical covers that value too.
        pen.lineTo(px, at);
        if (at < lo) lo = at;
        if (at > hi) hi = at;
      } else {
        pen.moveTo(px, first);
        down = true;
        at = first;
        flat = lo === hi;
      }
      col = px;
      // Over the column's extent, ending on its last point (which may be an extreme).
      if (last === lo) {
        to(hi);
        to(lo);
      } else {
        to(lo);
        to(hi);
        to(last);
      }
      columns += 1;
    },
    end(gapPx) {
      // The last value holds until the gap point; a lone flat column with
      // nowhere to hold to gets a one-pixel stub to stay visible.
      if (gapPx > col) pen.lineTo(gapPx, at);
      else if (columns === 1 && flat) pen.lineTo(col + 1, at);
      down = false;
      columns = 0;
    },
  };
  foldColumns(out, xs, ys, i0, i1, toPx, toPy, summarise);
}
