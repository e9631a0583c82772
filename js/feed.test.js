import { describe, expect, it } from "vitest";
import { Feed, RESYNC_AFTER_MS } from "./feed.js";

/** @param {number[]} v */
const f64 = (...v) => Float64Array.from(v);

/** @typedef {import("./wire.js").Decoded} Decoded */
/** @typedef {[id: number, xs: number[], ys: number[]]} PartSpec */

/**
 * @param {number} seq
 * @param {PartSpec[]} parts
 * @param {Array<[number, string]>} [names]
 * @returns {Decoded}
 */
function batch(seq, parts, names = []) {
  return {
    type: "batch",
    seq,
    names,
    parts: parts.map(([id, xs, ys]) => ({ id, xs: f64(...xs), ys: f64(...ys) })),
    points: parts.reduce((n, [, xs]) => n + xs.length, 0),
  };
}

/**
 * @param {number} seq
 * @param {PartSpec[]} parts
 * @param {Array<[number, string]>} [names]
 * @returns {Decoded}
 */
function reset(seq, parts, names = []) {
  return { ...batch(seq, parts, names), type: "reset" };
}

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
});
