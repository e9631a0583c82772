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
 */
export class Ring {
  /** @param {number} capacity points kept (at least 1) */
  constructor(capacity) {
    this.capacity = normaliseCapacity(capacity);
    this._x = new Float64Array(2 * this.capacity);
    this._y = new Float64Array(2 * this.capacity);
    this._start = 0;
    this._end = 0;
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
      return;
    }
    if (this._end + n > this._x.length) this._compact(cap - n);
    this._x.set(xs.subarray(from, to), this._end);
    this._y.set(ys.subarray(from, to), this._end);
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
    this._x.set(xs, 0);
    this._y.set(ys, 0);
    this._start = 0;
    this._end = xs.length;
  }
}

/** @param {number} capacity */
function normaliseCapacity(capacity) {
  const c = Math.floor(Number(capacity));
  return Number.isFinite(c) && c >= 1 ? c : 1;
}
