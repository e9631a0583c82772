import { describe, expect, it } from "vitest";
import { Feed, RESYNC_AFTER_MS } from "./feed.js";

const f64 = (...v) => Float64Array.from(v);

function batch(seq, parts, names = []) {
  return {
    type: "batch",
    seq,
    names,
    parts: parts.map(([id, xs, ys]) => ({ id, xs: f64(...xs), ys: f64(...ys) })),
    points: parts.reduce((n, [, xs]) => n + xs.length, 0),
  };
}

function reset(seq, parts, names = []) {
  return { ...batch(seq, parts, names), type: "reset" };
}

const held = (feed) => Object.fromEntries([...feed.series.values()].map((s) => [s.name, [...s.ring.xs()]]));

describe("Feed", () => {
  it("ignores batches until the reset that answers the render-time sync", () => {
    const feed = new Feed(10);
    feed.requestSync(0);
    expect(feed.apply(batch(4, [[0, [1], [1]]]), 10)).toBe("ignored");
    expect(feed.points).toBe(0);
    expect(feed.apply(reset(5, [[0, [1, 2], [3, 4]]], [[0, "a"]]), 20)).toBe("applied");
    expect(feed.lastSeq).toBe(5);
    expect(feed.awaitingReset).toBe(false);
    expect(feed.apply(batch(6, [[0, [3], [5]]]), 30)).toBe("applied");
    expect(held(feed)).toEqual({ a: [1, 2, 3] });
    expect(feed.lastSeq).toBe(6);
  });

  it("asks for a sync once on a sequence gap, then ignores batches until a reset", () => {
    const feed = new Feed(10);
    feed.apply(reset(1, [[0, [1], [1]]], [[0, "a"]]), 0);
    expect(feed.apply(batch(3, [[0, [2], [2]]]), 100)).toBe("sync");
    expect(feed.awaitingReset).toBe(true);
    expect(feed.apply(batch(4, [[0, [3], [3]]]), 200)).toBe("ignored");
    expect(feed.apply(batch(5, [[0, [4], [4]]]), 300)).toBe("ignored");
    expect(held(feed)).toEqual({ a: [1] });
    expect(feed.lastSeq).toBe(1);
    expect(feed.apply(reset(6, [[0, [1, 2, 3, 4], [0, 0, 0, 0]]]), 400)).toBe("applied");
    expect(feed.apply(batch(7, [[0, [5], [5]]]), 500)).toBe("applied");
    expect(held(feed)).toEqual({ a: [1, 2, 3, 4, 5] });
  });

  it("asks again when batches keep arriving long after an unanswered sync", () => {
    const feed = new Feed(10);
    feed.requestSync(1000);
    expect(feed.apply(batch(9, []), 1000 + RESYNC_AFTER_MS - 1)).toBe("ignored");
    expect(feed.apply(batch(10, []), 1000 + RESYNC_AFTER_MS)).toBe("sync");
    expect(feed.apply(batch(11, []), 1000 + RESYNC_AFTER_MS + 1)).toBe("ignored");
  });

  it("treats a repeated or older seq as a gap", () => {
    const feed = new Feed(10);
    feed.apply(reset(5, []), 0);
    expect(feed.apply(batch(5, []), 1)).toBe("sync");
  });

  it("counts every point received, applied or not", () => {
    const feed = new Feed(10);
    feed.requestSync(0);
    feed.apply(batch(1, [[0, [1, 2], [1, 2]]]), 0);
    feed.apply(reset(2, [[0, [1, 2, 3], [1, 2, 3]]]), 0);
    feed.apply(batch(3, [[0, [4], [4]]]), 0);
    expect(feed.received).toBe(6);
    expect(feed.points).toBe(4);
  });

  it("creates series in order of first appearance, with names and a fallback name", () => {
    const feed = new Feed(10);
    feed.apply(reset(0, []), 0);
    const v0 = feed.layoutVersion;
    feed.apply(batch(1, [[3, [1], [1]], [1, [1], [1]]], [[3, "three"]]), 0);
    expect([...feed.series.values()].map((s) => [s.id, s.name])).toEqual([
      [3, "three"],
      [1, "series 1"],
    ]);
    expect(feed.layoutVersion).toBeGreaterThan(v0);
    const v1 = feed.layoutVersion;
    feed.apply(batch(2, [[3, [2], [2]]]), 0);
    expect(feed.layoutVersion).toBe(v1);
  });

  it("replaces everything on reset, dropping series it does not list", () => {
    const feed = new Feed(10);
    feed.apply(reset(0, [[0, [1, 2], [1, 2]], [1, [1], [1]]], [[0, "a"], [1, "b"]]), 0);
    feed.apply(reset(1, [[1, [7, 8], [7, 8]]], [[1, "b"]]), 0);
    expect(held(feed)).toEqual({ b: [7, 8] });
  });

  it("keeps names learnt earlier when a later reset lists a series by segment only", () => {
    const feed = new Feed(10);
    feed.apply(reset(0, [[0, [1], [1]]], [[0, "a"]]), 0);
    feed.apply(reset(1, [[0, [2], [2]]]), 0);
    expect(held(feed)).toEqual({ a: [2] });
  });

  it("keeps at most window points per series, and follows window changes", () => {
    const feed = new Feed(3);
    feed.apply(reset(0, [[0, [1, 2, 3, 4, 5], [0, 0, 0, 0, 0]]], [[0, "a"]]), 0);
    expect(held(feed)).toEqual({ a: [3, 4, 5] });
    feed.setWindow(2);
    expect(held(feed)).toEqual({ a: [4, 5] });
    feed.apply(batch(1, [[0, [6], [0]], [1, [6, 7, 8], [0, 0, 0]]]), 0);
    expect(held(feed)).toEqual({ a: [5, 6], "series 1": [7, 8] });
  });
});
