// @ts-check
import { Feed } from "./feed.js";
import { Liveness } from "./kernel.js";
import { upperBound } from "./ranges.js";
import { decodeMessage, decodeSnapshot, fieldsOf } from "./wire.js";

/**
 * A chart's data in the page, kept once per widget model and shared by all its
 * views: the points (a `Feed`), what is known of the kernel (a `Liveness`), and
 * when to ask the kernel for the whole window. No DOM and no widget model: the
 * caller hands it the model's state and messages with the time, and gives it a
 * function that sends to the kernel.
 *
 * It is fed from the moment the model exists (anywidget's `initialize`), so a
 * view that appears later draws at once from what it holds, and it never waits
 * for the kernel to apply a batch. It asks for the whole window (a `sync`) only
 * when it lacks older points: a model made from the state of a chart that had
 * already sent data (a reloaded page, or a notebook saved with its widget
 * state), or a sequence gap.
 */

/**
 * @typedef {"data" | "received" | "status"} Change
 *   data: the points or series changed; received: a message arrived (counts,
 *   seq); status: what is known of the kernel changed.
 */

/**
 * Whether a model was made for a chart that has sent nothing yet: the page saw
 * its widget open. The kernel sets `snapshot` and `feed_stats` only after the
 * widget's comm is open, so both are empty then; a model made later (after a
 * page reload, or from a saved notebook) has at least the statistics.
 * @param {{snapshot: unknown, stats: unknown}} state the traits as the model got them
 */
export function isNewChart({ snapshot, stats }) {
  return isEmpty(snapshot) && isEmpty(stats);
}

/** @param {unknown} v */
function isEmpty(v) {
  return v == null || (typeof v === "object" && Object.keys(v).length === 0);
}

/**
 * The time window of a model's `window_span_ms` trait: a positive number of
 * milliseconds, or 0 for none (a count window only), whatever the trait holds
 * (absent in the state of a chart saved before time windows existed).
 * @param {unknown} value
 * @returns {number}
 */
export function windowSpan(value) {
  return typeof value === "number" && value > 0 && value < Infinity ? value : 0;
}

/** How long after the kernel says it sent points a page with none says so. */
export const NO_DATA_AFTER_MS = 10_000;

export class Store {
  /**
   * @param {{window: number, spanMs?: number, send: (content: object) => void}} options
   *   window: points kept per series (at most, with a time window); spanMs: the
   *   time window in milliseconds of x, 0 or absent for none (see `windowSpan`);
   *   send: sends a message to the kernel
   */
  constructor({ window, spanMs = 0, send }) {
    this.feed = new Feed(window, spanMs);
    this.liveness = new Liveness();
    this._send = send;
    /** The points held came from the kernel (a batch or reset), not only from the saved snapshot. */
    this.hadLiveData = false;
    /** @type {Set<(change: Change) => void>} */
    this._listeners = new Set();
    /**
     * A chart that reads its feed in the page (direct.js): its feed; null for a
     * chart the kernel feeds.
     * @type {import("./direct.js").DirectFeed | null}
     */
    this.direct = null;
    /** @type {Map<number, number>} per series, the greatest x sent back to the kernel */
    this._sentBack = new Map();
    /** @type {number | null} when the kernel's snapshot first said it had sent points */
    this._sentSince = null;
    /** @type {Map<number, number>} the page's own series ids (direct.js) to those held */
    this._localIds = new Map();
  }

  /**
   * Points the page read itself (see `direct`): held at once, like a batch.
   * A series the store holds already under that name (from a saved window)
   * goes on; the page numbers its series in its own order of arrival.
   * @param {ReadonlyArray<import("./rules/extract.js").Point>} points
   * @param {ReadonlyArray<string>} names every series so far, by the page's id
   */
  takeLocal(points, names) {
    /** @type {Map<number, {xs: number[], ys: number[]}>} */
    const bySeries = new Map();
    for (const point of points) {
      const series = this._heldId(point.series, names[point.series]);
      const { x, y } = point;
      let entry = bySeries.get(series);
      if (!entry) {
        entry = { xs: [], ys: [] };
        bySeries.set(series, entry);
      }
      entry.xs.push(x);
      entry.ys.push(y);
    }
    const parts = [...bySeries].map(([id, { xs, ys }]) => ({
      id,
      xs: Float64Array.from(xs),
      ys: Float64Array.from(ys),
    }));
    /** @type {import("./wire.js").Name[]} */
    const named = [...this._localIds].map(([local, id]) => [id, names[local], null]);
    if (!this.feed.appendLocal(named, parts)) return;
    this.hadLiveData = true;
    this._emit("received");
    this._emit("data");
  }

  /**
   * The id the store holds the page's series `local` under: the series of that
   * name, or a new one.
   * @param {number} local
   * @param {string} name
   */
  _heldId(local, name) {
    let id = this._localIds.get(local);
    if (id === undefined) {
      const ids = [...this.feed.names.keys(), ...this.feed.series.keys(), ...this._localIds.values()];
      id = [...this.feed.names].find(([, held]) => held === name)?.[0] ?? Math.max(-1, ...ids) + 1;
      this._localIds.set(local, id);
    }
    return id;
  }

  /**
   * The points held that were not sent back to the kernel yet, for its `data`
   * (see `direct`): at most `max` of them, spread evenly over each series when
   * there are more, always with each series' newest. Marks them sent; a point
   * arriving later with a smaller x than one sent is not sent.
   * @param {number} max
   * @returns {{names: string[], xs: Float64Array, ys: Float64Array, series: Uint32Array}}
   */
  takeBack(max) {
    /** @type {Array<{index: number, xs: Float64Array, ys: Float64Array, from: number}>} */
    const fresh = [];
    /** @type {string[]} */
    const names = [];
    for (const s of this.feed.series.values()) {
      const xs = s.ring.xs();
      const from = upperBound(xs, this._sentBack.get(s.id) ?? -Infinity);
      if (from >= xs.length) continue;
      fresh.push({ index: names.length, xs, ys: s.ring.ys(), from });
      names.push(s.name);
      this._sentBack.set(s.id, xs[xs.length - 1]);
    }
    // The smallest step that fits: each series keeps its newest point and every
    // step-th before it.
    const sizes = fresh.map(({ xs, from }) => xs.length - from);
    const count = (/** @type {number} */ step) => sizes.reduce((n, size) => n + Math.ceil(size / step), 0);
    let step = Math.max(1, Math.floor(sizes.reduce((a, b) => a + b, 0) / Math.max(1, max)));
    while (count(step) > max) step += 1;
    const n = count(step);
    const out = { names, xs: new Float64Array(n), ys: new Float64Array(n), series: new Uint32Array(n) };
    let at = n;
    for (let k = fresh.length - 1; k >= 0; k--) {
      const { index, xs, ys, from } = fresh[k];
      for (let i = xs.length - 1; i >= from; i -= step) {
        at -= 1;
        out.xs[at] = xs[i];
        out.ys[at] = ys[i];
        out.series[at] = index;
      }
    }
    return out;
  }

  /**
   * Starts from the model's state as the page got it: the saved snapshot if any,
   * then, unless the chart is new, one request for the whole window.
   * @param {{snapshot: unknown, stats: unknown}} state
   * @param {number} now milliseconds
   */
  start(state, now) {
    try {
      const snap = decodeSnapshot(state.snapshot);
      if (snap) this.feed.replace(snap);
    } catch (err) {
      console.error("livefeed: ignored an unreadable snapshot:", err);
    }
    if (!isNewChart(state)) this.sync(now);
  }

  /**
   * Listens to changes; returns the function that stops listening.
   * @param {(change: Change) => void} listener
   */
  subscribe(listener) {
    this._listeners.add(listener);
    return () => {
      this._listeners.delete(listener);
    };
  }

  /**
   * A custom message from the kernel.
   * @param {unknown} content
   * @param {ReadonlyArray<unknown>} buffers
   * @param {number} now milliseconds
   */
  receive(content, buffers, now) {
    this.heard();
    const type = fieldsOf(content)?.type;
    // A chart that reads its feed itself holds its own points.
    if ((type !== "batch" && type !== "reset") || this.direct) return;
    let msg;
    try {
      msg = decodeMessage(content, buffers);
    } catch (err) {
      // Nothing of a malformed message is applied; a reset brings the chart back in step.
      console.error("livefeed: dropped a malformed message:", err);
      this.sync(now);
      return;
    }
    const outcome = this.feed.apply(msg, now);
    if (outcome.sync) this._sendSync(now);
    if (outcome.changed) this.hadLiveData = true;
    this._emit("received");
    if (outcome.changed) this._emit("data");
  }

  /**
   * Whether the kernel says it sent points (the `snapshot` trait's seq, kept
   * once the first batch went out) NO_DATA_AFTER_MS ago or more, while no batch
   * or reset ever reached the store and the kernel is there: a front end that
   * syncs traits but drops custom messages or their buffers.
   * @param {number} now milliseconds
   */
  undelivered(now) {
    if (this.direct || this.hadLiveData || !this.liveness.connected) return false;
    return this._sentSince !== null && now - this._sentSince >= NO_DATA_AFTER_MS;
  }

  /** What the badge shows changed outside the kernel's traits (the page's own feed's
   *  status or counts, see `direct`, or the time passed for `undelivered`). */
  statusChanged() {
    this._emit("status");
  }

  /** A trait changed on the kernel's side (a sign of life, nothing more). */
  heard() {
    if (this.liveness.hear()) this._emit("status");
  }

  /**
   * The `snapshot` trait changed. Its data is not used (the store holds more),
   * only its seq, which may reveal lost batches.
   * @param {unknown} snapshot
   * @param {number} now milliseconds
   */
  snapshotChanged(snapshot, now) {
    this.heard();
    // A chart that reads its own feed takes no batches: the kernel's seq is no gap of its own.
    if (this.direct) return;
    const seq = fieldsOf(snapshot)?.seq;
    if (typeof seq === "number" && seq > 0) this._sentSince ??= now;
    if (typeof seq === "number" && Number.isSafeInteger(seq) && this.feed.noteSnapshotSeq(seq, now)) {
      this._sendSync(now);
      this._emit("received");
    }
  }

  /**
   * The widget manager's word on the kernel, asked now and then.
   * @param {import("./kernel.js").KernelState} state
   * @param {number} now milliseconds
   */
  checkKernel(state, now) {
    const { changed, back } = this.liveness.setKernel(state);
    // Back after a lost connection: batches may have been lost meanwhile.
    if (back) this.sync(now);
    if (changed) this._emit("status");
  }

  /** The kernel restarted: nothing more will come for this model. */
  restarted() {
    if (this.liveness.restart()) this._emit("status");
  }

  /**
   * The time passed (called about once a second).
   * @param {number} now milliseconds
   */
  tick(now) {
    if (this.liveness.tick(now)) this._emit("status");
    if (this.feed.resyncDue(now)) this._sendSync(now);
  }

  /**
   * Asks the kernel for the whole window, and goes on applying batches until the reset comes.
   * @param {number} now milliseconds
   */
  sync(now) {
    this.feed.requestSync(now);
    this._sendSync(now);
    this._emit("received");
  }

  /** @param {number} now */
  _sendSync(now) {
    if (this.direct) return; // the kernel holds nothing the page lacks
    this.liveness.asked(now);
    if (!this.liveness.canSend) return;
    this._send({ type: "sync" });
  }

  /** @param {Change} change */
  _emit(change) {
    for (const listener of [...this._listeners]) listener(change);
  }
}

/**
 * @typedef {"layout" | "_dom_classes" | "snapshot" | "feed_stats"} IdentityKey
 * @typedef {{get: (key: IdentityKey) => unknown}} ModelLike
 *   what the registry reads of a widget model
 */

/**
 * Which model a view's `model` belongs to. anywidget hands `initialize` and each
 * `render` a different object for the same widget model, sharing its attributes:
 * the same model gives the very same attribute objects (anything deserialised
 * into an object, such as the layout model or a dict trait), while different
 * models never share one.
 */
/** @type {IdentityKey[]} */
const IDENTITY_KEYS = ["layout", "_dom_classes", "snapshot", "feed_stats"];

/**
 * @param {ModelLike} a
 * @param {ModelLike} b
 */
export function sameModel(a, b) {
  let matched = 0;
  for (const key of IDENTITY_KEYS) {
    const va = a.get(key);
    if (va === null || typeof va !== "object") continue;
    if (b.get(key) !== va) return false;
    matched += 1;
  }
  return matched > 0;
}

/** The stores of the models that exist in this page, for views to find theirs. */
export class StoreRegistry {
  constructor() {
    /** @type {Map<Store, ModelLike>} */
    this._models = new Map();
  }

  /**
   * @param {ModelLike} model as `initialize` got it
   * @param {Store} store
   * @returns {() => void} forgets it
   */
  add(model, store) {
    this._models.set(store, model);
    return () => {
      this._models.delete(store);
    };
  }

  /**
   * @param {ModelLike} model as `render` got it
   * @returns {Store | null}
   */
  find(model) {
    for (const [store, m] of this._models) if (sameModel(model, m)) return store;
    return null;
  }
}
