// @ts-check
/**
 * A fixed-capacity buffer of (x, y) points, sorted by x, that keeps the `capacity`
 * points with the greatest x (the chart's binary searches and x extent rely on
 * the order). Points normally arrive in order and are simply appended; a late
 * point or history given after live data is merged in (see `append`).
 *
 * The storage is twice the capacity: points are appended at the end, and only when
 * the end reaches 2 × capacity are the last points copied back to the front. The
 * live points are therefore always contiguous, so the chart can be handed
 * `subarray` views without copying, and each in-order append costs O(1) amortised
 * (a compaction moves at most `capacity` points and happens at most once per
 * `capacity` appended points).
 *
 * Alongside, the ring keeps the minimum and maximum finite y of each block of
 * BLOCK consecutive storage slots, and whether the block holds a gap (a
 * non-finite x or y). `summary` answers "min, max, any gap" for an index range
 * in O(range / BLOCK + BLOCK), so the y range and the line of a long window are
 * not found by walking every point of it each frame.
 */

/** Points per summary block (a power of two). */
export const BLOCK = 64;
const SHIFT = Math.log2(BLOCK);

/**
 * @typedef {{lo: number, hi: number, gap: boolean}} Summary
 *   lo, hi: the least and greatest finite y (Infinity and -Infinity when none);
 *   gap: some point has a non-finite x or y.
 */

export class Ring {
  /** @param {number} capacity points kept (at least 1) */
  constructor(capacity) {
    this.capacity = normaliseCapacity(capacity);
    this._x = new Float64Array(2 * this.capacity);
    this._y = new Float64Array(2 * this.capacity);
    const blocks = Math.ceil(this._x.length / BLOCK);
    this._blo = new Float64Array(blocks);
    this._bhi = new Float64Array(blocks);
    this._bgap = new Uint8Array(blocks);
    this._start = 0;
    this._end = 0;
    /** Changes other than points added after the newest or leaving as the
     *  oldest (a late point merged in, the newest replaced, a clear): what a
     *  picture kept from before must be drawn again for. */
    this.edits = 0;
  }

  /**
   * Brings the block summaries up to date for storage slots [from, to), which
   * were just written. Slots of a block before `from` are summarised already
   * (writes only ever go forward from the end, or start again at 0).
   * @param {number} from
   * @param {number} to
   */
  _summarise(from, to) {
    const xs = this._x;
    const ys = this._y;
    const blo = this._blo;
    const bhi = this._bhi;
    const bgap = this._bgap;
    let b = from >> SHIFT;
    let lo = Infinity;
    let hi = -Infinity;
    let gap = 0;
    if ((from & (BLOCK - 1)) !== 0) {
      lo = blo[b];
      hi = bhi[b];
      gap = bgap[b];
    }
    for (let j = from; j < to; j++) {
      if ((j & (BLOCK - 1)) === 0 && j !== from) {
        blo[b] = lo;
        bhi[b] = hi;
        bgap[b] = gap;
        b += 1;
        lo = Infinity;
        hi = -Infinity;
        gap = 0;
      }
      const y = ys[j];
      if (y - y === 0 && xs[j] - xs[j] === 0) {
        // Both finite (x - x is NaN for NaN and for either infinity).
        if (y < lo) lo = y;
        if (y > hi) hi = y;
      } else {
        if (y - y === 0) {
          if (y < lo) lo = y;
          if (y > hi) hi = y;
        }
        gap = 1;
      }
    }
    if (to > from) {
      blo[b] = lo;
      bhi[b] = hi;
      bgap[b] = gap;
    }
  }

  /**
   * Least and greatest finite y of the points at indices [from, to) (in the
   * order of `xs()`), and whether any of them is a gap. Writes into `out`.
   * @param {number} from
   * @param {number} to
   * @param {Summary} out
   * @returns {Summary} out
   */
  summary(from, to, out) {
    out.lo = Infinity;
    out.hi = -Infinity;
    out.gap = false;
    const a = this._start + Math.max(0, from);
    const b = this._start + Math.min(this.length, to);
    if (b - a < 2 * BLOCK) return this._scan(a, b, out);
    // Partial blocks at the edges point by point, whole blocks from their summary.
    const firstWhole = (a + BLOCK - 1) >> SHIFT;
    const endWhole = b >> SHIFT;
    this._scan(a, firstWhole << SHIFT, out);
    const blo = this._blo;
    const bhi = this._bhi;
    const bgap = this._bgap;
    let lo = out.lo;
    let hi = out.hi;
    let gap = out.gap;
    for (let k = firstWhole; k < endWhole; k++) {
      if (blo[k] < lo) lo = blo[k];
      if (bhi[k] > hi) hi = bhi[k];
      if (bgap[k]) gap = true;
    }
    out.lo = lo;
    out.hi = hi;
    out.gap = gap;
    return this._scan(endWhole << SHIFT, b, out);
  }

  /**
   * Adds storage slots [i, j) to `out`, point by point.
   * @param {number} i
   * @param {number} j
   * @param {Summary} out
   */
  _scan(i, j, out) {
    const xs = this._x;
    const ys = this._y;
    let lo = out.lo;
    let hi = out.hi;
    let gap = out.gap;
    for (; i < j; i++) {
      const y = ys[i];
      if (y - y === 0) {
        if (y < lo) lo = y;
        if (y > hi) hi = y;
        if (xs[i] - xs[i] !== 0) gap = true;
      } else gap = true;
    }
    out.lo = lo;
    out.hi = hi;
    out.gap = gap;
    return out;
  }

  /** Number of points held. */
  get length() {
    return this._end - this._start;
  }

  /** Forgets every point, keeping the storage. */
  clear() {
    this._start = 0;
    this._end = 0;
    this.edits += 1;
  }

  /**
   * Adds the points xs[from..to) and ys[from..to), keeping the ring sorted by x.
   *
   * The ring holds the `capacity` points with the greatest x, in non-decreasing x
   * order; points with equal x stay in the order they were given (older first).
   * Given points that are in order and not below the greatest x held take the fast
   * path: a copy at the end, O(1) amortised per point. Anything else (a late point,
   * history given after live data, a part that is not itself sorted) is merged:
   * the part is sorted (stable) and merged with the points held above its least
   * x, at a cost of O(part + points moved), and only the `capacity` points with
   * the greatest x stay.
   *
   * A given point is dropped, and counted, when the ring was full and its x is
   * below the least x it held (older than the whole window; an x equal to it
   * enters, and the older point leaves), or when its x is not finite:
   * NaN has no place in the order, and an infinite x would stand at one end of it
   * for good (the kernel never sends either). Points that enter and are pushed
   * out by greater x in the same call are not counted, like any point that leaves
   * the window.
   * @param {Float64Array} xs
   * @param {Float64Array} ys
   * @param {number} [from]
   * @param {number} [to]
   * @returns {number} how many of the given points were dropped (0 on the fast path)
   */
  append(xs, ys, from = 0, to = xs.length) {
    if (ys.length < to || xs.length < to || from < 0 || from > to) {
      throw new RangeError(`append: bad range ${from}..${to} for ${xs.length} x and ${ys.length} y values`);
    }
    if (to === from) return 0;
    // In order when each x is finite and at least the one before it, starting from
    // the greatest held (`!(x >= prev)` also catches NaN).
    let prev = this._end > this._start ? this._x[this._end - 1] : -Infinity;
    let i = from;
    for (; i < to; i++) {
      const x = xs[i];
      if (!(x >= prev && x - x === 0)) break;
      prev = x;
    }
    if (i === to) {
      this._appendInOrder(xs, ys, from, to);
      return 0;
    }
    return this._merge(xs, ys, from, to);
  }

  /**
   * Appends points known to be sorted, finite and not below the greatest x held.
   * @param {Float64Array} xs
   * @param {Float64Array} ys
   * @param {number} from
   * @param {number} to
   */
  _appendInOrder(xs, ys, from, to) {
    let n = to - from;
    const cap = this.capacity;
    if (n >= cap) {
      // Everything held now is pushed out; keep only the newest `cap` new points.
      from = to - cap;
      n = cap;
      this._x.set(xs.subarray(from, to), 0);
      this._y.set(ys.subarray(from, to), 0);
      this._start = 0;
      this._end = cap;
      this._summarise(0, cap);
      return;
    }
    if (this._end + n > this._x.length) this._compact(cap - n);
    this._x.set(xs.subarray(from, to), this._end);
    this._y.set(ys.subarray(from, to), this._end);
    this._summarise(this._end, this._end + n);
    this._end += n;
    if (this._end - this._start > cap) this._start = this._end - cap;
  }

  /**
   * The slow path of `append`: sorts the part, drops what cannot be placed or is
   * older than a full window, and merges the rest into place. Points held below
   * the least x given stay where they are, so the cost is that of the part plus
   * the points held above where it starts (a slightly late point moves few).
   * @param {Float64Array} xs
   * @param {Float64Array} ys
   * @param {number} from
   * @param {number} to
   * @returns {number} points dropped
   */
  _merge(xs, ys, from, to) {
    this.edits += 1;
    const [px, py] = sortedFinite(xs, ys, from, to);
    let dropped = to - from - px.length;
    const cap = this.capacity;
    let lo = 0; // first point of the part that can be kept
    if (this.length === cap) {
      // Below the least x of a full window: older than everything kept. The part
      // is sorted, so these are a prefix of it.
      const least = this._x[this._start];
      while (lo < px.length && px[lo] < least) lo++;
      dropped += lo;
    }
    if (lo === px.length) return dropped;
    if (this.length === 0 || px[lo] >= this._x[this._end - 1]) {
      // What is left follows everything held (say the late points were all dropped).
      this._appendInOrder(px, py, lo, px.length);
      return dropped;
    }
    // A part point with `capacity` part points above it is never kept. It is not
    // counted: taken one by one it would enter, then be pushed out by greater x.
    lo = Math.max(lo, px.length - cap);
    const p = px.length - lo;
    if (this._end + p > this._x.length) this._compact(this.length);
    const hx = this._x;
    const hy = this._y;
    // Held points from `at` up have a greater x than the least given one and
    // move up; on equal x the given point is newer, so it goes after the held one.
    let at = this._start;
    let hi = this._end;
    while (at < hi) {
      const mid = (at + hi) >>> 1;
      if (hx[mid] <= px[lo]) at = mid + 1;
      else hi = mid;
    }
    // Merge from the greatest x down into the free slots past the end; the write
    // position stays above the held point read next, so nothing unread is overwritten.
    let w = this._end + p - 1;
    let a = this._end - 1;
    for (let b = px.length - 1; b >= lo; w--) {
      if (a >= at && hx[a] > px[b]) {
        hx[w] = hx[a];
        hy[w] = hy[a];
        a--;
      } else {
        hx[w] = px[b];
        hy[w] = py[b];
        b--;
      }
    }
    this._end += p;
    if (this._end - this._start > cap) this._start = this._end - cap;
    // Slots from `at` changed: summarise again from the start of its block.
    this._summarise(at & ~(BLOCK - 1), this._end);
    return dropped;
  }

  /**
   * Gives the newest point (the last one: the greatest x, and of equal x the
   * last given) the value `y`, if its x is exactly `x`: a candle chart's bar that
   * is still growing arrives again with new values (docs/protocol.md). The
   * points held, their number and their order stay the same; the block summary
   * holding the point is recomputed, so `summary` answers with the new value
   * and never with the old one.
   * @param {number} x
   * @param {number} y
   * @returns {boolean} whether it did; false (nothing changed) when the ring is
   *   empty or its newest x is not `x` (never for a NaN x)
   */
  replaceNewest(x, y) {
    const last = this._end - 1;
    if (last < this._start || this._x[last] !== x) return false;
    this.edits += 1;
    this._y[last] = y;
    // Folded again from the first slot of its block, not merged into the old
    // summary: the old y may have been the block's least or greatest, or its gap.
    this._summarise(last & ~(BLOCK - 1), this._end);
    return true;
  }

  /**
   * Lets the points with x below `threshold` leave (the oldest ones: x is sorted).
   * Nothing is moved: the held points simply start later in the storage, as when
   * the oldest leave past capacity, and the block summaries stay valid.
   * @param {number} threshold
   * @returns {number} how many left
   */
  dropBelow(threshold) {
    const xs = this._x;
    let lo = this._start;
    let hi = this._end;
    if (!(lo < hi && xs[lo] < threshold)) return 0;
    // The first x at or above the threshold, by binary search.
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (xs[mid] < threshold) lo = mid + 1;
      else hi = mid;
    }
    const left = lo - this._start;
    this._start = lo;
    return left;
  }

  /**
   * Keeps only the points within `span` of the greatest x held: those with x at
   * least (greatest x − span), computed as the kernel computes it, so that both
   * hold the same points (a time window, docs/protocol.md). A span that is not a
   * positive number keeps everything.
   * @param {number} span
   * @returns {number} how many left
   */
  keepSpan(span) {
    if (!(span > 0) || this._end === this._start) return 0;
    return this.dropBelow(this._x[this._end - 1] - span);
  }

  /**
   * Moves the last `keep` points (at most those held) to the front of the storage.
   * @param {number} keep
   */
  _compact(keep) {
    const k = Math.min(keep, this.length);
    const from = this._end - k;
    this._x.copyWithin(0, from, this._end);
    this._y.copyWithin(0, from, this._end);
    this._start = 0;
    this._end = k;
    this._summarise(0, k);
  }

  /** The x values held, in non-decreasing order: a view that later appends may overwrite. */
  xs() {
    return this._x.subarray(this._start, this._end);
  }

  /** The y values held, in the order of `xs()`: a view that later appends may overwrite. */
  ys() {
    return this._y.subarray(this._start, this._end);
  }
}

/**
 * The points of xs[from..to) and ys[from..to) whose x is finite, sorted by x
 * (stable: equal x keep their order). A part that is sorted already, as the
 * kernel sends them, is returned as views without copying.
 * @param {Float64Array} xs
 * @param {Float64Array} ys
 * @param {number} from
 * @param {number} to
 * @returns {[Float64Array, Float64Array]}
 */
function sortedFinite(xs, ys, from, to) {
  let sorted = true;
  let finite = 0;
  let prev = -Infinity;
  for (let i = from; i < to; i++) {
    const x = xs[i];
    if (x - x !== 0) continue;
    finite++;
    if (x < prev) sorted = false;
    prev = x;
  }
  if (sorted && finite === to - from) return [xs.subarray(from, to), ys.subarray(from, to)];
  /** @type {number[]} */
  const order = [];
  for (let i = from; i < to; i++) if (xs[i] - xs[i] === 0) order.push(i);
  // Array.prototype.sort is stable, so equal x keep their order.
  if (!sorted) order.sort((i, j) => xs[i] - xs[j]);
  const px = new Float64Array(order.length);
  const py = new Float64Array(order.length);
  for (let k = 0; k < order.length; k++) {
    px[k] = xs[order[k]];
    py[k] = ys[order[k]];
  }
  return [px, py];
}

/** @param {number} capacity */
function normaliseCapacity(capacity) {
  const c = Math.floor(Number(capacity));
  return Number.isFinite(c) && c >= 1 ? c : 1;
}
