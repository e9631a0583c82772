import { describe, expect, it } from "vitest";
import { Feed, RESYNC_AFTER_MS } from "./feed.js";

/** @param {number[]} v */
const f64 = (...v) => Float64Array.from(v);

/** @typedef {import("./wire.js").Decoded} Decoded */
/** @typedef {import("./wire.js").Role} Role */
/** @typedef {[id: number, xs: number[], ys: number[], replace?: boolean]} PartSpec */
/** @typedef {[id: number, name: string, role?: Role]} NameSpec */

/**
 * A decoded batch, as wire.js gives it.
 * @param {number} seq
 * @param {PartSpec[]} parts
 * @param {NameSpec[]} [names]
 * @returns {Decoded}
 */
function batch(seq, parts, names = []) {
  return {
    type: "batch",
    seq,
    names: names.map(([id, name, role]) => [id, name, role ?? null]),
    parts: parts.map(([id, xs, ys, replace = false]) => ({ id, xs: f64(...xs), ys: f64(...ys), replace })),
    points: parts.reduce((n, [, xs]) => n + xs.length, 0),
  };
}

/**
 * @param {number} seq
 * @param {PartSpec[]} parts
 * @param {NameSpec[]} [names]
 * @returns {Decoded}
 */
function reset(seq, parts, names = []) {
  return { ...batch(seq, parts, names), type: "reset" };
}

/** What each series holds, by name: [x, y] pairs. */
const points = (/** @type {Feed} */ feed) =>
  Object.fromEntries(
    [...feed.series.values()].map((s) => [s.name, Array.from(s.ring.xs(), (x, i) => [x, s.ring.ys()[i]])]),
  );

const held = (/** @type {Feed} */ feed) =>
  Object.fromEntries([...feed.series.values()].map((s) => [s.name, [...s.ring.xs()]]));

describe("Feed", () => {
  it("applies a new chart's batches from seq 1 without asking for anything", () => {
    const feed = new Feed(10);
    expect(feed.apply(batch(1, [[0, [1], [1]]], [[0, "a"]]), 0)).toEqual({ changed: true, sync: false });
    expect(feed.apply(batch(2, [[0, [2], [2]]]), 0)).toEqual({ changed: true, sync: false });
    expect(held(feed)).toEqual({ a: [1, 2] });
    expect(feed.lastSeq).toBe(2);
    expect(feed.gaps).toBe(0);
    expect(feed.awaitingReset).toBe(false);
  });

  it("keeps applying batches while a sync waits for its reset, then takes the reset whole", () => {
    const feed = new Feed(10);
    // A reloaded chart: the saved snapshot (seq 7, decimated), then a sync.
    feed.replace(reset(7, [[0, [1, 4], [1, 4]]], [[0, "a"]]));
    feed.requestSync(0);
    expect(feed.apply(batch(9, [[0, [6], [6]]]), 10)).toEqual({ changed: true, sync: false });
    // A late batch lands in its place: the rings keep x sorted.
    expect(feed.apply(batch(10, [[0, [5], [5]]]), 20)).toEqual({ changed: true, sync: false });
    expect(held(feed)).toEqual({ a: [1, 4, 5, 6] });
    expect(feed.awaitingReset).toBe(true);
    // The reset holds the whole window as of seq 11: it subsumes every batch before it.
    expect(feed.apply(reset(11, [[0, [1, 2, 3, 4, 5, 6], [0, 0, 0, 0, 0, 0]]]), 30)).toEqual({
      changed: true,
      sync: false,
    });
    expect(feed.awaitingReset).toBe(false);
    expect(feed.apply(batch(12, [[0, [7], [7]]]), 40)).toEqual({ changed: true, sync: false });
    expect(held(feed)).toEqual({ a: [1, 2, 3, 4, 5, 6, 7] });
    expect(feed.gaps).toBe(0);
  });

  it("on a sequence gap draws the batch anyway and asks for a sync once", () => {
    const feed = new Feed(10);
    feed.apply(batch(1, [[0, [1], [1]]], [[0, "a"]]), 0);
    expect(feed.apply(batch(4, [[0, [4], [4]]]), 100)).toEqual({ changed: true, sync: true });
    expect(feed.gaps).toBe(1);
    expect(feed.awaitingReset).toBe(true);
    expect(feed.apply(batch(5, [[0, [5], [5]]]), 200)).toEqual({ changed: true, sync: false });
    // Batches keep their seq order even while waiting; a further jump asks nothing more.
    expect(feed.apply(batch(8, [[0, [8], [8]]]), 300)).toEqual({ changed: true, sync: false });
    expect(held(feed)).toEqual({ a: [1, 4, 5, 8] });
    expect(feed.lastSeq).toBe(8);
    feed.apply(reset(9, [[0, [1, 2, 3, 4, 5, 6, 7, 8], [0, 0, 0, 0, 0, 0, 0, 0]]]), 400);
    expect(held(feed)).toEqual({ a: [1, 2, 3, 4, 5, 6, 7, 8] });
    expect(feed.gaps).toBe(1);
  });

  it("asks again when batches keep arriving long after an unanswered sync", () => {
    const feed = new Feed(10);
    feed.requestSync(1000);
    expect(feed.apply(batch(9, []), 1000 + RESYNC_AFTER_MS - 1).sync).toBe(false);
    expect(feed.apply(batch(10, []), 1000 + RESYNC_AFTER_MS).sync).toBe(true);
    expect(feed.apply(batch(11, []), 1000 + RESYNC_AFTER_MS + 1).sync).toBe(false);
    expect(feed.apply(batch(12, []), 1000 + 2 * RESYNC_AFTER_MS).sync).toBe(true);
  });

  it("never applies a batch whose seq it has seen, and asks for a sync", () => {
    const feed = new Feed(10);
    feed.apply(reset(5, [[0, [1], [1]]], [[0, "a"]]), 0);
    expect(feed.apply(batch(5, [[0, [2], [2]]]), 1)).toEqual({ changed: false, sync: true });
    expect(held(feed)).toEqual({ a: [1] });
    expect(feed.apply(batch(3, [[0, [2], [2]]]), 2)).toEqual({ changed: false, sync: false });
    expect(held(feed)).toEqual({ a: [1] });
  });

  it("takes a snapshot newer than every batch seen as a gap", () => {
    const feed = new Feed(10);
    feed.apply(batch(1, [[0, [1], [1]]]), 0);
    expect(feed.noteSnapshotSeq(1, 10)).toBe(false);
    expect(feed.noteSnapshotSeq(0, 10)).toBe(false);
    expect(feed.noteSnapshotSeq(3, 20)).toBe(true);
    expect(feed.gaps).toBe(1);
    expect(feed.awaitingReset).toBe(true);
    // Already waiting for a reset: nothing more to ask.
    expect(feed.noteSnapshotSeq(4, 30)).toBe(false);
  });

  it("counts every point received, applied or not", () => {
    const feed = new Feed(10);
    feed.apply(batch(1, [[0, [1, 2], [1, 2]]]), 0);
    feed.apply(batch(1, [[0, [1, 2], [1, 2]]]), 0);
    feed.apply(reset(2, [[0, [1, 2, 3], [1, 2, 3]]]), 0);
    feed.apply(batch(3, [[0, [4], [4]]]), 0);
    expect(feed.received).toBe(8);
    expect(feed.points).toBe(4);
  });

  it("creates series in order of first appearance, with names and a fallback name", () => {
    const feed = new Feed(10);
    feed.apply(
      batch(
        1,
        [
          [3, [1], [1]],
          [1, [1], [1]],
        ],
        [[3, "three"]],
      ),
      0,
    );
    expect([...feed.series.values()].map((s) => [s.id, s.name])).toEqual([
      [3, "three"],
      [1, "series 1"],
    ]);
    // A name announced later renames the series: a change to draw even without points.
    expect(feed.apply(batch(2, [], [[1, "one"]]), 0)).toEqual({ changed: true, sync: false });
    expect(feed.series.get(1)?.name).toBe("one");
    expect(feed.apply(batch(3, []), 0)).toEqual({ changed: false, sync: false });
  });

  it("replaces everything on reset, dropping series it does not list", () => {
    const feed = new Feed(10);
    feed.apply(
      reset(
        0,
        [
          [0, [1, 2], [1, 2]],
          [1, [1], [1]],
        ],
        [
          [0, "a"],
          [1, "b"],
        ],
      ),
      0,
    );
    feed.apply(reset(1, [[1, [7, 8], [7, 8]]], [[1, "b"]]), 0);
    expect(held(feed)).toEqual({ b: [7, 8] });
  });

  it("keeps names learnt earlier when a later reset lists a series by segment only", () => {
    const feed = new Feed(10);
    feed.apply(reset(0, [[0, [1], [1]]], [[0, "a"]]), 0);
    feed.apply(reset(1, [[0, [2], [2]]]), 0);
    expect(held(feed)).toEqual({ a: [2] });
  });

  it("keeps at most window points per series", () => {
    const feed = new Feed(3);
    feed.apply(reset(0, [[0, [1, 2, 3, 4, 5], [0, 0, 0, 0, 0]]], [[0, "a"]]), 0);
    expect(held(feed)).toEqual({ a: [3, 4, 5] });
    feed.apply(
      batch(1, [
        [0, [6], [0]],
        [1, [6, 7, 8], [0, 0, 0]],
      ]),
      0,
    );
    expect(held(feed)).toEqual({ a: [4, 5, 6], "series 1": [6, 7, 8] });
  });

  describe("with a time window", () => {
    // The kernel's tests use the same points: x in ms at 0, 1 s, 1.5 s, 7 s, 7.2 s, 12 s.
    const TIMES = [0, 1000, 1500, 7000, 7200, 12000];

    it("keeps the points within the span of each series' own greatest x", () => {
      const feed = new Feed(100, 5000);
      feed.apply(
        batch(
          1,
          [
            [0, TIMES, TIMES],
            [1, [0, 1000, 1500, 4000], [0, 0, 0, 0]],
          ],
          [
            [0, "a"],
            [1, "b"],
          ],
        ),
        0,
      );
      expect(held(feed)).toEqual({ a: [7000, 7200, 12000], b: [0, 1000, 1500, 4000] });
    });

    it("holds the same points whether they come in one batch or one at a time", () => {
      const feed = new Feed(100, 5000);
      TIMES.forEach((t, i) => {
        feed.apply(batch(i + 1, [[0, [t], [t]]], [[0, "a"]]), 0);
      });
      expect(held(feed)).toEqual({ a: [7000, 7200, 12000] });
      expect(feed.points).toBe(3);
    });

    it("leaves a series without new points as it is", () => {
      const feed = new Feed(100, 5000);
      feed.apply(
        batch(
          1,
          [
            [0, [0, 1000], [0, 0]],
            [1, [0, 1000], [0, 0]],
          ],
          [
            [0, "a"],
            [1, "b"],
          ],
        ),
        0,
      );
      feed.apply(batch(2, [[0, [9000], [0]]]), 0);
      expect(held(feed)).toEqual({ a: [9000], b: [0, 1000] });
    });

    it("bounds the points per series by window as well", () => {
      const feed = new Feed(2, 5000);
      feed.apply(batch(1, [[0, TIMES, TIMES]], [[0, "a"]]), 0);
      expect(held(feed)).toEqual({ a: [7200, 12000] });
    });

    it("applies the span to a reset and to a snapshot", () => {
      const feed = new Feed(100, 5000);
      feed.replace(reset(3, [[0, TIMES, TIMES]], [[0, "a"]]));
      expect(held(feed)).toEqual({ a: [7000, 7200, 12000] });
      feed.apply(reset(4, [[0, [100, 5100], [0, 0]]]), 0);
      expect(held(feed)).toEqual({ a: [100, 5100] });
    });

    it("keeps a late point inside the span and lets one outside it go", () => {
      const feed = new Feed(100, 5000);
      feed.apply(batch(1, [[0, [7000, 12000], [0, 0]]], [[0, "a"]]), 0);
      feed.apply(batch(2, [[0, [6999, 8000], [0, 0]]]), 0);
      expect(held(feed)).toEqual({ a: [7000, 8000, 12000] });
    });

    it("treats a span that is not a positive number as none", () => {
      for (const span of [0, -5, NaN]) {
        const feed = new Feed(100, span);
        expect(feed.spanMs).toBe(0);
        feed.apply(batch(1, [[0, TIMES, TIMES]], [[0, "a"]]), 0);
        expect(held(feed)).toEqual({ a: TIMES });
      }
    });
  });

  describe("candle charts", () => {
    const FAMILY = /** @type {NameSpec[]} */ ([
      [0, "ACME", "open"],
      [1, "ACME", "high"],
      [2, "ACME", "low"],
      [3, "ACME", "close"],
    ]);

    it("keeps each series' role, learnt with its name, and null for a series without one", () => {
      const feed = new Feed(10);
      feed.apply(
        batch(
          1,
          [
            [1, [1], [5]],
            [4, [1], [1]],
            [0, [1], [2]],
          ],
          [...FAMILY, [4, "other"]],
        ),
        0,
      );
      expect([...feed.series.values()].map((s) => [s.id, s.name, s.role])).toEqual([
        [1, "ACME", "high"],
        [4, "other", null],
        [0, "ACME", "open"],
      ]);
      // A series first given points without a name has no role either.
      feed.apply(batch(2, [[9, [1], [1]]]), 0);
      expect(feed.series.get(9)?.role).toBe(null);
      // A series named (with its role) before its points has it once they come.
      feed.apply(batch(3, [], [[3, "ACME", "close"]]), 0);
      feed.apply(batch(4, [[3, [1], [3]]]), 0);
      expect(feed.series.get(3)?.role).toBe("close");
    });

    it("takes a changed role as a change, and keeps roles across resets that omit the names", () => {
      const feed = new Feed(10);
      feed.apply(batch(1, [[0, [1], [1]]], [[0, "ACME", "open"]]), 0);
      expect(feed.apply(batch(2, [], [[0, "ACME", "open"]]), 0).changed).toBe(false);
      expect(feed.apply(batch(3, [], [[0, "ACME", "close"]]), 0).changed).toBe(true);
      expect(feed.series.get(0)?.role).toBe("close");
      feed.apply(reset(4, [[0, [2], [2]]]), 0);
      expect(feed.series.get(0)?.role).toBe("close");
      // An entry without a role says the series has none.
      feed.apply(reset(5, [[0, [2], [2]]], [[0, "ACME"]]), 0);
      expect(feed.series.get(0)?.role).toBe(null);
      feed.replace(reset(6, [[1, [2], [2]]], [[1, "B", "volume"]]));
      expect(feed.series.get(1)?.role).toBe("volume");
    });

    it("replaces the newest point in place when its x is the one flagged", () => {
      const feed = new Feed(10);
      feed.apply(batch(1, [[0, [0, 60], [1, 2]]], [[0, "close", "close"]]), 0);
      expect(feed.apply(batch(2, [[0, [60], [2.5], true]]), 0)).toEqual({ changed: true, sync: false });
      expect(points(feed)).toEqual({
        close: [
          [0, 1],
          [60, 2.5],
        ],
      });
      expect(feed.points).toBe(2);
      // The same segment goes on with new points after the replaced one.
      feed.apply(batch(3, [[0, [60, 120, 180], [3, 4, 5], true]]), 0);
      expect(points(feed)).toEqual({
        close: [
          [0, 1],
          [60, 3],
          [120, 4],
          [180, 5],
        ],
      });
      // Without the flag, a point of the same x is a point more, as ever.
      feed.apply(batch(4, [[0, [180], [6]]]), 0);
      expect(points(feed)).toEqual({
        close: [
          [0, 1],
          [60, 3],
          [120, 4],
          [180, 5],
          [180, 6],
        ],
      });
    });

    it("adds the flagged point when the newest held has another x (after a gap, or none held)", () => {
      const feed = new Feed(10);
      feed.apply(batch(1, [[0, [0, 60], [1, 2]]], [[0, "c", "close"]]), 0);
      // Batch 2, which first gave x 120, was lost: 120 is new here.
      expect(feed.apply(batch(3, [[0, [120, 180], [3, 4], true]]), 0)).toEqual({ changed: true, sync: true });
      expect(points(feed)).toEqual({
        c: [
          [0, 1],
          [60, 2],
          [120, 3],
          [180, 4],
        ],
      });
      // A flagged point older than the newest held lands in its place.
      feed.apply(batch(4, [[0, [90], [9], true]]), 0);
      expect(points(feed)).toEqual({
        c: [
          [0, 1],
          [60, 2],
          [90, 9],
          [120, 3],
          [180, 4],
        ],
      });
      // A series that holds nothing yet.
      feed.apply(batch(5, [[1, [180], [7], true]]), 0);
      expect(points(feed)["series 1"]).toEqual([[180, 7]]);
    });

    it("replaces in every series of a family alike, and not on a repeated batch", () => {
      const feed = new Feed(10);
      feed.apply(
        batch(
          1,
          FAMILY.map(([id]) => [id, [0], [10 + id]]),
          FAMILY,
        ),
        0,
      );
      const again = batch(
        2,
        FAMILY.map(([id]) => [id, [0, 60], [20 + id, 30 + id], true]),
      );
      feed.apply(again, 0);
      expect([...feed.series.values()].map((s) => [...s.ring.ys()])).toEqual([
        [20, 30],
        [21, 31],
        [22, 32],
        [23, 33],
      ]);
      expect(feed.apply(again, 0).changed).toBe(false);
      expect([...feed.series.values()].map((s) => s.ring.length)).toEqual([2, 2, 2, 2]);
    });

    it("keeps the window of points through replaces", () => {
      const feed = new Feed(3);
      feed.apply(batch(1, [[0, [1, 2, 3], [1, 2, 3]]], [[0, "c", "close"]]), 0);
      // A full ring: replacing takes no room, and the new point after it pushes the oldest out.
      feed.apply(batch(2, [[0, [3], [30], true]]), 0);
      expect(points(feed)).toEqual({
        c: [
          [1, 1],
          [2, 2],
          [3, 30],
        ],
      });
      feed.apply(batch(3, [[0, [3, 4], [31, 4], true]]), 0);
      expect(points(feed)).toEqual({
        c: [
          [2, 2],
          [3, 31],
          [4, 4],
        ],
      });
    });

    it("keeps the time window through replaces: by the greatest x, which a replace leaves as it is", () => {
      const feed = new Feed(100, 5000);
      feed.apply(batch(1, [[0, [1000, 3000, 6000], [1, 3, 6]]], [[0, "c", "close"]]), 0);
      // 6000 − 5000 keeps 1000: a replace changes no x, so every point stays.
      feed.apply(batch(2, [[0, [6000], [7], true]]), 0);
      expect(points(feed)).toEqual({
        c: [
          [1000, 1],
          [3000, 3],
          [6000, 7],
        ],
      });
      // A new bar after the replaced one moves the window on.
      feed.apply(batch(3, [[0, [6000, 8000], [8, 9], true]]), 0);
      expect(points(feed)).toEqual({
        c: [
          [3000, 3],
          [6000, 8],
          [8000, 9],
        ],
      });
      // An unmatched flagged point is a new greatest x like any other.
      feed.apply(batch(5, [[0, [13500], [1], true]]), 0);
      expect(points(feed)).toEqual({ c: [[13500, 1]] });
    });

    it("applies the window of the kernel: the same bars whether a bar grows in place or comes once, final", () => {
      // Bars of 60 built from ticks, sent as they grow; the last value of each is its final one.
      const growing = new Feed(4, 150);
      const final = new Feed(4, 150);
      let seq = 0;
      /** @type {Array<[number, number]>} */
      const bars = [];
      for (let bar = 0; bar < 10; bar++) {
        for (let tick = 0; tick < 3; tick++) {
          const x = bar * 60;
          const y = bar * 10 + tick;
          const first = tick === 0 && bar > 0;
          // The first tick of a bar closes the last bar: its final value, then the new bar.
          const part = /** @type {PartSpec} */ (
            first ? [0, [x - 60, x], [bars[bars.length - 1][1], y], true] : [0, [x], [y], tick > 0]
          );
          growing.apply(batch(++seq, [part]), 0);
          if (tick === 0) bars.push([x, y]);
          else bars[bars.length - 1] = [x, y];
        }
      }
      final.apply(batch(1, [[0, bars.map(([x]) => x), bars.map(([, y]) => y)]]), 0);
      expect(points(growing)).toEqual(points(final));
      expect(points(growing)["series 0"]).toEqual([
        [420, 72],
        [480, 82],
        [540, 92],
      ]);
    });
  });
});
