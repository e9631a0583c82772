// @ts-check
import { Ring } from "./ring.js";

/**
 * What a view holds of the feed: one ring buffer per series, and the sequence
 * bookkeeping that decides whether a batch can be applied or a resync is needed.
 * No DOM and no widget model here, so the rules can be tested directly.
 */

/** While waiting for a reset, ask again after this long if batches keep coming
 *  (the first request or its answer may have been dropped by a rate limit). */
export const RESYNC_AFTER_MS = 5000;

/**
 * @typedef {{id: number, name: string, ring: Ring}} Series
 * @typedef {"applied" | "ignored" | "sync"} Outcome
 *   "sync" means: the caller must send {"type": "sync"} now.
 */

export class Feed {
  /** @param {number} window points kept per series */
  constructor(window) {
    this.window = window;
    /** @type {Map<number, Series>} in order of first appearance */
    this.series = new Map();
    /** @type {Map<number, string>} names announced so far (they outlive resets' omissions) */
    this.names = new Map();
    this.lastSeq = -1;
    this.awaitingReset = false;
    this.syncSentAt = -Infinity;
    /** Points in every batch and reset that arrived, applied or not. */
    this.received = 0;
    /** Bumped whenever the set of series (or a name) changes. */
    this.layoutVersion = 0;
  }

  /** Total points held across all series. */
  get points() {
    let n = 0;
    for (const s of this.series.values()) n += s.ring.length;
    return n;
  }

  /**
   * Notes that a sync request is being sent; batches are ignored until a reset.
   * @param {number} now milliseconds
   */
  requestSync(now) {
    this.awaitingReset = true;
    this.syncSentAt = now;
  }

  /**
   * Applies a decoded batch or reset.
   * @param {import("./wire.js").Decoded} msg
   * @param {number} now milliseconds, for the resync timer
   * @returns {Outcome}
   */
  apply(msg, now) {
    this.received += msg.points;
    if (msg.type === "reset") {
      this.replace(msg);
      this.awaitingReset = false;
      return "applied";
    }
    if (this.awaitingReset) {
      if (now - this.syncSentAt >= RESYNC_AFTER_MS) {
        this.syncSentAt = now;
        return "sync";
      }
      return "ignored";
    }
    if (msg.seq !== this.lastSeq + 1) {
      this.requestSync(now);
      return "sync";
    }
    this._learnNames(msg.names);
    for (const part of msg.parts) this._seriesFor(part.id).ring.append(part.xs, part.ys);
    this.lastSeq = msg.seq;
    return "applied";
  }

  /**
   * Replaces everything held by the contents of a reset (or of the snapshot trait).
   * Series absent from it are dropped.
   * @param {import("./wire.js").Decoded} msg
   */
  replace(msg) {
    this._learnNames(msg.names);
    const before = [...this.series.keys()].join(",");
    /** @type {Map<number, Series>} */
    const next = new Map();
    const order = [...msg.names.map(([id]) => id), ...msg.parts.map((p) => p.id)];
    for (const id of order) {
      if (next.has(id)) continue;
      const old = this.series.get(id);
      if (old) {
        old.ring.clear();
        next.set(id, old);
      } else {
        next.set(id, this._newSeries(id));
      }
    }
    for (const part of msg.parts) /** @type {Series} */ (next.get(part.id)).ring.append(part.xs, part.ys);
    this.series = next;
    this.lastSeq = msg.seq;
    if ([...next.keys()].join(",") !== before) this.layoutVersion += 1;
  }

  /**
   * Changes the number of points kept per series.
   * @param {number} window
   */
  setWindow(window) {
    this.window = window;
    for (const s of this.series.values()) s.ring.resize(window);
  }

  /** @param {Array<[number, string]>} names */
  _learnNames(names) {
    for (const [id, name] of names) {
      if (this.names.get(id) === name) continue;
      this.names.set(id, name);
      const s = this.series.get(id);
      if (s) {
        s.name = name;
        this.layoutVersion += 1;
      }
    }
  }

  /** @param {number} id */
  _seriesFor(id) {
    let s = this.series.get(id);
    if (!s) {
      s = this._newSeries(id);
      this.series.set(id, s);
      this.layoutVersion += 1;
    }
    return s;
  }

  /** @param {number} id */
  _newSeries(id) {
    return { id, name: this.names.get(id) ?? `series ${id}`, ring: new Ring(this.window) };
  }
}
