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
 */

/**
 * @typedef {{moveTo(x: number, y: number): void, lineTo(x: number, y: number): void}} Pen
 */

/**
 * @param {Pen} pen receives the path (a Path2D in the chart)
 * @param {ArrayLike<number>} xs
 * @param {ArrayLike<number>} ys
 * @param {number} i0 first index to draw
 * @param {number} i1 last index to draw (inclusive)
 * @param {(x: number) => number} toPx x value to pixel
 * @param {(y: number) => number} toPy y value to pixel
 */
export function traceLine(pen, xs, ys, i0, i1, toPx, toPy) {
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

  for (let i = i0; i <= i1; i++) {
    const x = xs[i];
    const y = ys[i];
    if (!Number.isFinite(y) || !Number.isFinite(x)) {
      endRun();
      continue;
    }
    const px = Math.round(toPx(x));
    const py = toPy(y);
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
