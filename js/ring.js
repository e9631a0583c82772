// @ts-check
/**
 * A fixed-capacity buffer of (x, y) points that keeps the newest `capacity` points.
 *
 * The storage is twice the capacity: points are appended at the end, and only when
 * the end reaches 2 × capacity are the newest points copied back to the front. The
 * live points are therefore always contiguous, so the chart can be handed
 * `subarray` views without copying, and each append costs O(1) amortised (a
 * compaction moves at most `capacity` points and happens at most once per
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
    this._allocBlocks();
    this._start = 0;
    this._end = 0;
  }

  _allocBlocks() {
    const blocks = Math.ceil(this._x.length / BLOCK);
    this._blo = new Float64Array(blocks);
    this._bhi = new Float64Array(blocks);
    this._bgap = new Uint8Array(blocks);
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
   * Least and greatest finite y of the points at indices [from, to) (oldest
   * first, as in `xs()`), and whether any of them is a gap. Writes into `out`.
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
  }

  /**
   * Appends one point.
   * @param {number} x
   * @param {number} y
   */
  push(x, y) {
    if (this._end === this._x.length) this._compact(this.capacity - 1);
    this._x[this._end] = x;
    this._y[this._end] = y;
    this._summarise(this._end, this._end + 1);
    this._end += 1;
    if (this._end - this._start > this.capacity) this._start += 1;
  }

  /**
   * Appends points xs[from..to) and ys[from..to). When more than `capacity` points
   * arrive at once only the newest `capacity` of them are kept.
   * @param {Float64Array} xs
   * @param {Float64Array} ys
   * @param {number} [from]
   * @param {number} [to]
   */
  append(xs, ys, from = 0, to = xs.length) {
    if (ys.length < to || xs.length < to || from < 0 || from > to) {
      throw new RangeError(`append: bad range ${from}..${to} for ${xs.length} x and ${ys.length} y values`);
    }
    let n = to - from;
    if (n === 0) return;
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
   * Moves the newest `keep` points (at most those held) to the front of the storage.
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

  /** The x values held, oldest first: a view that later appends may overwrite. */
  xs() {
    return this._x.subarray(this._start, this._end);
  }

  /** The y values held, oldest first: a view that later appends may overwrite. */
  ys() {
    return this._y.subarray(this._start, this._end);
  }

  /** Newest x, or NaN when empty. */
  get lastX() {
    return this._end > this._start ? this._x[this._end - 1] : NaN;
  }

  /** Newest y, or NaN when empty. */
  get lastY() {
    return this._end > this._start ? this._y[this._end - 1] : NaN;
  }

  /**
   * Changes the capacity, keeping the newest points that still fit.
   * @param {number} capacity
   */
  resize(capacity) {
    const cap = normaliseCapacity(capacity);
    if (cap === this.capacity) return;
    const xs = this.xs().slice(-cap);
    const ys = this.ys().slice(-cap);
    this.capacity = cap;
    this._x = new Float64Array(2 * cap);
    this._y = new Float64Array(2 * cap);
    this._allocBlocks();
    this._x.set(xs, 0);
    this._y.set(ys, 0);
    this._start = 0;
    this._end = xs.length;
    this._summarise(0, this._end);
  }
}

/** @param {number} capacity */
function normaliseCapacity(capacity) {
  const c = Math.floor(Number(capacity));
  return Number.isFinite(c) && c >= 1 ? c : 1;
}
