// @ts-check
import { Ring } from "./ring.js";

/**
 * A chart's points in the browser: one ring buffer per series, and the sequence
 * bookkeeping that says when older points must be asked for. No DOM and no widget
 * model here, so the rules can be tested directly.
 *
 * Every batch is applied as it arrives, whatever else is going on: the kernel may
 * answer a sync only after the cell it is running ends, and the chart must not
 * stand still until then. The rings keep each series sorted by x, so a batch
 * applied after a gap (points missing before it) or on top of the saved snapshot
 * lands in its place, and the reset that answers the sync, which holds the whole
 * window as of its seq, replaces everything and so subsumes every batch before it.
 *
 * A time window (`spanMs` > 0) keeps, per series, only the points with x at least
 * the series' greatest x minus `spanMs`, applied after every batch and reset: the
 * kernel applies the same rule to the same points, so no message says which
 * points left. `window` still bounds the points per series.
 *
 * A candle chart's series have a role (open, high, low, close or volume), learnt
 * with their names; and a batch's part may give a series' newest point again
 * with new values (a bar still growing), which then replaces it in place.
 */

/** While waiting for a reset, ask again after this long if batches keep coming
 *  (the first request or its answer may have been dropped by a rate limit). */
export const RESYNC_AFTER_MS = 5000;

/**
 * @typedef {import("./wire.js").Role} Role
 * @typedef {{id: number, name: string, role: Role | null, ring: Ring}} Series
 *   role: what the series stands for in a candle chart's family, null for none
 * @typedef {{changed: boolean, sync: boolean}} Outcome
 *   changed: the points or series held changed (draw again);
 *   sync: the caller must send {"type": "sync"} now.
 */

export class Feed {
  /**
   * @param {number} window points kept per series (at most, with a time window)
   * @param {number} [spanMs] the time window in milliseconds of x; 0 (or anything
   *   not a positive, finite number) for none
   */
  constructor(window, spanMs = 0) {
    this.window = window;
    this.spanMs = Number.isFinite(spanMs) && spanMs > 0 ? spanMs : 0;
    /** @type {Map<number, Series>} in order of first appearance */
    this.series = new Map();
    /** @type {Map<number, string>} names announced so far (they outlive resets' omissions) */
    this.names = new Map();
    /** @type {Map<number, Role | null>} roles announced with those names, null for none */
    this.roles = new Map();
    /** seq of the newest batch or reset applied; 0 before any (a new chart's first batch is 1). */
    this.lastSeq = 0;
    /** A sync was sent and no reset has come since. */
    this.awaitingReset = false;
    this.syncSentAt = -Infinity;
    /** Points in every batch and reset that arrived. */
    this.received = 0;
    /** Batches found out of sequence: some were lost on the way. */
    this.gaps = 0;
  }

  /** Total points held across all series. */
  get points() {
    let n = 0;
    for (const s of this.series.values()) n += s.ring.length;
    return n;
  }

  /**
   * Notes that a sync request is being sent (the caller sends it). Batches go on
   * being applied until the reset comes.
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
      return { changed: true, sync: false };
    }
    if (msg.seq <= this.lastSeq) {
      // Points held already (a repeated batch, or one older than the data held):
      // applying them would draw them twice.
      if (this.awaitingReset) return { changed: false, sync: this._askAgain(now) };
      this.gaps += 1;
      this.requestSync(now);
      return { changed: false, sync: true };
    }
    let sync = false;
    if (this.awaitingReset) {
      sync = this._askAgain(now);
    } else if (msg.seq !== this.lastSeq + 1) {
      this.gaps += 1;
      this.requestSync(now);
      sync = true;
    }
    const named = this._learnNames(msg.names);
    const held = this.series.size;
    let applied = 0;
    for (const part of msg.parts) {
      const s = this._seriesFor(part.id);
      // A flagged first point replaces the newest held when that has its x; when
      // it does not (the browser never got that point, say after a gap) it is a
      // new point like the others.
      const from = part.replace && s.ring.replaceNewest(part.xs[0], part.ys[0]) ? 1 : 0;
      s.ring.append(part.xs, part.ys, from);
      // Only a series given points has a new greatest x: the others keep theirs.
      s.ring.keepSpan(this.spanMs);
      // A replaced point counts: its new value must be drawn.
      applied += part.xs.length;
    }
    this.lastSeq = msg.seq;
    return { changed: applied > 0 || named || this.series.size !== held, sync };
  }

  /**
   * Points the page read itself (a chart reading its feed, direct.js): no
   * sequence and no kernel.
   * @param {import("./wire.js").Name[]} names the name of each series given points
   * @param {ReadonlyArray<{id: number, xs: Float64Array, ys: Float64Array}>} parts
   * @returns {boolean} the points or series held changed
   */
  appendLocal(names, parts) {
    const named = this._learnNames(names);
    const held = this.series.size;
    for (const part of parts) {
      const s = this._seriesFor(part.id);
      s.ring.append(part.xs, part.ys);
      s.ring.keepSpan(this.spanMs);
      this.received += part.xs.length;
    }
    return parts.length > 0 || named || this.series.size !== held;
  }

  /**
   * The `snapshot` trait changed to one of `seq`. The kernel sets it after
   * sending the batch of that seq, so a newer seq than any batch seen means
   * batches were lost (say the last ones of a loop, with nothing after them to
   * reveal the gap).
   * @param {number} seq
   * @param {number} now milliseconds
   * @returns {boolean} the caller must send a sync
   */
  noteSnapshotSeq(seq, now) {
    if (this.awaitingReset || !(seq > this.lastSeq)) return false;
    this.gaps += 1;
    this.requestSync(now);
    return true;
  }

  /**
   * Replaces everything held by the contents of a reset (or of the snapshot trait).
   * Series absent from it are dropped. Parts' `replace` is not looked at: only a
   * batch may carry it (the decoder rejects it elsewhere), and here nothing held
   * is left to replace.
   * @param {import("./wire.js").Decoded} msg
   */
  replace(msg) {
    this._learnNames(msg.names);
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
    for (const part of msg.parts) {
      const ring = /** @type {Series} */ (next.get(part.id)).ring;
      ring.append(part.xs, part.ys);
    }
    // The kernel's window holds no point outside the span already; a saved snapshot
    // from a chart of the same span neither. Applied all the same: cheap, and it keeps
    // the rule true whatever the message held.
    for (const s of next.values()) s.ring.keepSpan(this.spanMs);
    this.series = next;
    this.lastSeq = msg.seq;
  }

  /**
   * Whether a sync sent a while ago is still unanswered and should be sent again.
   * A reset can be lost on the way like any message (the server drops messages
   * past its rate limit); with no batch coming after it, only a timer notices.
   * @param {number} now milliseconds
   * @returns {boolean} the caller must send {"type": "sync"} now
   */
  resyncDue(now) {
    return this.awaitingReset && this._askAgain(now);
  }

  /** @param {number} now */
  _askAgain(now) {
    if (now - this.syncSentAt < RESYNC_AFTER_MS) return false;
    this.syncSentAt = now;
    return true;
  }

  /**
   * Learns the name and role of each entry: an entry states both, so one without
   * a role gives its series none.
   * @param {import("./wire.js").Name[]} names
   * @returns {boolean} a series held changed its name or role
   */
  _learnNames(names) {
    let renamed = false;
    for (const [id, name, role] of names) {
      if (this.names.get(id) === name && this.roles.get(id) === role) continue;
      this.names.set(id, name);
      this.roles.set(id, role);
      const s = this.series.get(id);
      if (s) {
        s.name = name;
        s.role = role;
        renamed = true;
      }
    }
    return renamed;
  }

  /** @param {number} id */
  _seriesFor(id) {
    let s = this.series.get(id);
    if (!s) {
      s = this._newSeries(id);
      this.series.set(id, s);
    }
    return s;
  }

  /**
   * @param {number} id
   * @returns {Series}
   */
  _newSeries(id) {
    return {
      id,
      name: this.names.get(id) ?? `series ${id}`,
      role: this.roles.get(id) ?? null,
      ring: new Ring(this.window),
    };
  }
}
