import { describe, expect, it } from "vitest";
import { RESYNC_AFTER_MS } from "./feed.js";
import { NOT_CONNECTED_AFTER_MS } from "./kernel.js";
import { isNewChart, NO_DATA_AFTER_MS, Store, StoreRegistry, sameModel, windowSpan } from "./store.js";

/**
 * Little-endian float64 bytes, as the widget layer delivers a buffer.
 * @param {number[]} values
 */
function bytes(values) {
  const dv = new DataView(new ArrayBuffer(values.length * 8));
  values.forEach((v, i) => {
    dv.setFloat64(i * 8, v, true);
  });
  return dv;
}

/**
 * @typedef {[id: number, xs: number[], ys: number[], replace?: boolean]} PartSpec
 *   replace: the segment carries the flag 1 (its first point is the newest again)
 * @typedef {[id: number, name: string] | [id: number, name: string, role: string]} SeriesSpec
 * @typedef {{type: string, seq: number, series: SeriesSpec[], segments: number[][]}} Content
 */

/**
 * A message as the kernel sends it: content and [x, y] buffers.
 * @param {string} type
 * @param {number} seq
 * @param {PartSpec[]} parts
 * @param {SeriesSpec[]} [series]
 * @returns {[Content, [DataView, DataView]]}
 */
function message(type, seq, parts, series = []) {
  const segments = parts.map(([id, xs, , replace]) => (replace ? [id, xs.length, 1] : [id, xs.length]));
  /** @type {Content} */
  const content = { type, seq, series, segments };
  return [content, [bytes(parts.flatMap(([, xs]) => xs)), bytes(parts.flatMap(([, , ys]) => ys))]];
}

/** @typedef {(seq: number, parts: PartSpec[], series?: SeriesSpec[]) => ReturnType<typeof message>} Make */

/** @type {Make} */
const batch = (seq, parts, series) => message("batch", seq, parts, series);
/** @type {Make} */
const reset = (seq, parts, series) => message("reset", seq, parts, series);

/**
 * The `snapshot` trait as the page gets it.
 * @param {number} seq
 * @param {PartSpec[]} parts
 * @param {SeriesSpec[]} [series]
 */
function snapshot(seq, parts, series = []) {
  const [content, [x, y]] = message("reset", seq, parts, series);
  return { seq, series: content.series, segments: content.segments, x, y };
}

/** A store whose sends and changes are recorded. */
function recorded() {
  /** @type {object[]} */
  const sent = [];
  /** @type {import("./store.js").Change[]} */
  const changes = [];
  const store = new Store({ window: 100, send: (content) => sent.push(content) });
  store.subscribe((change) => changes.push(change));
  return { store, sent, changes };
}

const held = (/** @type {Store} */ store) =>
  Object.fromEntries([...store.feed.series.values()].map((s) => [s.name, [...s.ring.xs()]]));

const STATS = { messages: 3, points: 3 };

describe("isNewChart", () => {
  it("is true only while neither the snapshot nor the statistics were set", () => {
    expect(isNewChart({ snapshot: {}, stats: {} })).toBe(true);
    expect(isNewChart({ snapshot: undefined, stats: undefined })).toBe(true);
    expect(isNewChart({ snapshot: {}, stats: STATS })).toBe(false);
    expect(isNewChart({ snapshot: snapshot(1, [[0, [1], [1]]]), stats: {} })).toBe(false);
  });
});

describe("Store", () => {
  it("feeds a new chart from its first batch and never asks the kernel for anything", () => {
    const { store, sent, changes } = recorded();
    store.start({ snapshot: {}, stats: {} }, 0);
    store.receive(...batch(1, [[0, [1, 2], [5, 6]]], [[0, "loss"]]), 10);
    store.receive(...batch(2, [[0, [3], [7]]]), 20);
    expect(held(store)).toEqual({ loss: [1, 2, 3] });
    expect(sent).toEqual([]);
    expect(changes.filter((c) => c === "data")).toHaveLength(2);
    expect(store.hadLiveData).toBe(true);
    // However long nothing answers, a chart that never asked is not "not connected".
    store.tick(10 * NOT_CONNECTED_AFTER_MS);
    expect(store.liveness.connected).toBe(true);
  });

  it("starts a reloaded chart from its snapshot, asks once, and draws every batch until the reset", () => {
    const { store, sent, changes } = recorded();
    store.start({ snapshot: snapshot(7, [[0, [1, 4], [1, 4]]], [[0, "a"]]), stats: STATS }, 0);
    expect(held(store)).toEqual({ a: [1, 4] });
    expect(store.hadLiveData).toBe(false);
    expect(sent).toEqual([{ type: "sync" }]);
    // The kernel is busy: no reset yet, but batches come and are drawn.
    store.receive(...batch(12, [[0, [9], [9]]]), 100);
    store.receive(...batch(13, [[0, [10], [10]]]), 200);
    expect(held(store)).toEqual({ a: [1, 4, 9, 10] });
    expect(changes.filter((c) => c === "data")).toHaveLength(2);
    expect(store.feed.gaps).toBe(0);
    expect(sent).toHaveLength(1);
    store.receive(...reset(14, [[0, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], Array(10).fill(0)]]), 300);
    store.receive(...batch(15, [[0, [11], [11]]]), 400);
    expect(held(store)).toEqual({ a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] });
    expect(store.feed.awaitingReset).toBe(false);
    expect(sent).toHaveLength(1);
  });

  it("asks again, at most every few seconds, while batches come and no reset does", () => {
    const { store, sent } = recorded();
    store.start({ snapshot: {}, stats: STATS }, 0);
    let seq = 5;
    for (let t = 100; t <= 2 * RESYNC_AFTER_MS + 100; t += 100) store.receive(...batch(seq++, []), t);
    expect(sent).toEqual([{ type: "sync" }, { type: "sync" }, { type: "sync" }]);
  });

  it("asks again on its own timer when the reset was lost and no batch comes after it", () => {
    const { store, sent } = recorded();
    store.start({ snapshot: {}, stats: {} }, 0);
    store.receive(...batch(1, [[0, [1], [1]]]), 0);
    store.receive(...batch(3, [[0, [3], [3]]]), 10); // a gap: one sync
    store.tick(RESYNC_AFTER_MS - 1);
    expect(sent).toEqual([{ type: "sync" }]);
    store.tick(RESYNC_AFTER_MS + 10); // its reset never came, nor anything else
    expect(sent).toEqual([{ type: "sync" }, { type: "sync" }]);
    store.receive(...reset(4, [[0, [1, 2, 3], [1, 2, 3]]]), RESYNC_AFTER_MS + 20);
    store.tick(4 * RESYNC_AFTER_MS);
    expect(sent).toHaveLength(2); // answered: nothing more to ask
    expect(held(store)).toEqual({ "series 0": [1, 2, 3] });
  });

  it("asks once on a gap and keeps drawing meanwhile", () => {
    const { store, sent } = recorded();
    store.start({ snapshot: {}, stats: {} }, 0);
    store.receive(...batch(1, [[0, [1], [1]]]), 0);
    store.receive(...batch(3, [[0, [3], [3]]]), 10);
    store.receive(...batch(4, [[0, [4], [4]]]), 20);
    expect(sent).toEqual([{ type: "sync" }]);
    expect(held(store)).toEqual({ "series 0": [1, 3, 4] });
    expect(store.feed.gaps).toBe(1);
  });

  it("finds batches lost at the end of a run through the snapshot's seq", () => {
    const { store, sent } = recorded();
    store.start({ snapshot: {}, stats: {} }, 0);
    store.receive(...batch(1, [[0, [1], [1]]]), 0);
    store.snapshotChanged(snapshot(1, [[0, [1], [1]]]), 10);
    expect(sent).toEqual([]);
    store.snapshotChanged(snapshot(3, [[0, [1, 2, 3], [1, 2, 3]]]), 20);
    expect(sent).toEqual([{ type: "sync" }]);
    // Its points are not taken from it: the reset brings the whole window.
    expect(held(store)).toEqual({ "series 0": [1] });
  });

  it("asks again for the window when the kernel comes back after being gone", () => {
    const { store, sent } = recorded();
    store.start({ snapshot: {}, stats: {} }, 0);
    store.checkKernel("ok", 0);
    store.checkKernel("gone", 10);
    expect(store.liveness.connected).toBe(false);
    store.checkKernel("ok", 20);
    expect(sent).toEqual([{ type: "sync" }]);
  });

  it("says not connected when its request meets silence: a saved notebook without its kernel", () => {
    const { store, sent, changes } = recorded();
    store.start({ snapshot: snapshot(4, [[0, [1, 2], [1, 2]]]), stats: STATS }, 0);
    expect(sent).toHaveLength(1);
    store.tick(NOT_CONNECTED_AFTER_MS - 1);
    expect(store.liveness.connected).toBe(true);
    store.tick(NOT_CONNECTED_AFTER_MS);
    expect(store.liveness.connected).toBe(false);
    expect(changes).toContain("status");
  });

  it("counts any message from the kernel as a sign of life", () => {
    for (const word of ["trait", "batch", "snapshot"]) {
      const { store } = recorded();
      store.start({ snapshot: {}, stats: STATS }, 0);
      if (word === "trait") store.heard();
      if (word === "batch") store.receive(...batch(9, [[0, [1], [1]]]), 10);
      if (word === "snapshot") store.snapshotChanged({}, 10);
      store.tick(10 * NOT_CONNECTED_AFTER_MS);
      expect(store.liveness.connected, word).toBe(true);
    }
  });

  it("sends nothing to a kernel that is gone or restarted", () => {
    const { store, sent } = recorded();
    store.start({ snapshot: {}, stats: {} }, 0);
    store.restarted();
    store.receive(...batch(5, []), 0);
    store.checkKernel("gone", 0);
    store.checkKernel("ok", 0);
    expect(sent).toEqual([]);
    expect(store.liveness.label).toBe("restarted");
  });

  it("drops a malformed message whole and asks for the window", () => {
    const { store, sent } = recorded();
    /** @type {unknown[][]} */
    const errors = [];
    const original = console.error;
    console.error = (...args) => errors.push(args);
    try {
      store.start({ snapshot: {}, stats: {} }, 0);
      const [content] = batch(1, [[0, [1, 2], [1, 2]]]);
      store.receive(content, [bytes([1, 2]), bytes([1])], 0);
    } finally {
      console.error = original;
    }
    expect(store.feed.points).toBe(0);
    expect(sent).toEqual([{ type: "sync" }]);
    expect(errors).toHaveLength(1);
  });

  it("lets a listener go", () => {
    const store = new Store({ window: 10, send: () => {} });
    /** @type {import("./store.js").Change[]} */
    const seen = [];
    const stop = store.subscribe((c) => seen.push(c));
    store.receive(...batch(1, [[0, [1], [1]]]), 0);
    const n = seen.length;
    stop();
    store.receive(...batch(2, [[0, [2], [2]]]), 0);
    expect(seen).toHaveLength(n);
  });
});

/**
 * What anywidget hands initialize and render: a fresh object per call over one model's attributes.
 * @param {Partial<Record<import("./store.js").IdentityKey, unknown>>} attributes
 * @returns {import("./store.js").ModelLike}
 */
function handle(attributes) {
  return { get: (key) => attributes[key] };
}

describe("sameModel and StoreRegistry", () => {
  it("match the handles of one model, and only those", () => {
    const layout = { kind: "layout" };
    const a = { layout, _dom_classes: [], snapshot: {}, feed_stats: {} };
    const b = { layout: { kind: "layout" }, _dom_classes: [], snapshot: {}, feed_stats: {} };
    expect(sameModel(handle(a), handle(a))).toBe(true);
    expect(sameModel(handle(a), handle(b))).toBe(false);
    // Two charts given the same layout object are still two models.
    expect(sameModel(handle(a), handle({ ...b, layout }))).toBe(false);
    // Nothing to go by: no match rather than a guess.
    expect(sameModel(handle({}), handle({}))).toBe(false);
  });

  it("finds the store of a model as long as it is registered", () => {
    const registry = new StoreRegistry();
    const attrs = [1, 2].map(() => ({ layout: {}, snapshot: {}, feed_stats: {} }));
    const stores = attrs.map(() => new Store({ window: 10, send: () => {} }));
    const forget = attrs.map((a, i) => registry.add(handle(a), stores[i]));
    expect(registry.find(handle(attrs[1]))).toBe(stores[1]);
    expect(registry.find(handle(attrs[0]))).toBe(stores[0]);
    // The trait objects change as the kernel updates them, for every handle alike.
    attrs[0].snapshot = { seq: 3 };
    expect(registry.find(handle(attrs[0]))).toBe(stores[0]);
    forget[0]();
    expect(registry.find(handle(attrs[0]))).toBe(null);
  });
});

describe("Store on a candle chart", () => {
  const FAMILY = /** @type {SeriesSpec[]} */ ([
    [0, "ACME", "open"],
    [1, "ACME", "high"],
    [2, "ACME", "low"],
    [3, "ACME", "close"],
  ]);

  it("gives its series their roles, from batches and from the snapshot", () => {
    const { store } = recorded();
    store.start({ snapshot: snapshot(3, [[0, [0], [1]]], [FAMILY[0]]), stats: STATS }, 0);
    store.receive(...batch(4, [[3, [0], [2]]], [FAMILY[3], [7, "plain"]]), 10);
    expect([...store.feed.series.values()].map((s) => [s.id, s.name, s.role])).toEqual([
      [0, "ACME", "open"],
      [3, "ACME", "close"],
    ]);
    store.receive(...batch(5, [[7, [0], [2]]]), 20);
    expect(store.feed.series.get(7)?.role).toBe(null);
  });

  it("emits a data change for a batch that only replaces points", () => {
    const { store, changes } = recorded();
    store.start({ snapshot: {}, stats: {} }, 0);
    store.receive(
      ...batch(
        1,
        FAMILY.map(([id]) => [id, [0], [10]]),
        FAMILY,
      ),
      10,
    );
    changes.length = 0;
    store.receive(...batch(2, [[1, [0], [12], true]]), 20);
    expect(changes).toEqual(["received", "data"]);
    expect([...(store.feed.series.get(1)?.ring.ys() ?? [])]).toEqual([12]);
    expect(store.feed.points).toBe(4);
  });

  it("drops whole, and asks for the window, a reset with a replace flag or an unknown role", () => {
    /** @type {unknown[][]} */
    const errors = [];
    const original = console.error;
    console.error = (...args) => errors.push(args);
    try {
      const { store, sent } = recorded();
      store.start({ snapshot: {}, stats: {} }, 0);
      store.receive(...batch(1, [[0, [0], [1]]], [FAMILY[0]]), 0);
      store.receive(...reset(2, [[0, [0, 60], [1, 2], true]]), 10);
      store.receive(...batch(2, [[0, [60], [2]]], [[0, "ACME", "wick"]]), 20);
      expect(held(store)).toEqual({ ACME: [0] });
      expect(sent).toEqual([{ type: "sync" }, { type: "sync" }]);
      expect(errors).toHaveLength(2);
    } finally {
      console.error = original;
    }
  });
});

describe("windowSpan", () => {
  it("reads the window_span_ms trait: a positive number of milliseconds, else 0", () => {
    expect(windowSpan(5000)).toBe(5000);
    expect(windowSpan(0.5)).toBe(0.5);
    for (const value of [0, -1, NaN, Infinity, undefined, null, "5000", {}]) expect(windowSpan(value)).toBe(0);
  });
});

describe("Store with a time window", () => {
  it("keeps in each series the points within the span of its greatest x, after batches and resets", () => {
    const store = new Store({ window: 100, spanMs: windowSpan(5000), send: () => {} });
    store.start({ snapshot: {}, stats: {} }, 0);
    const times = [0, 1000, 1500, 7000, 7200, 12000];
    store.receive(
      ...batch(
        1,
        [
          [0, times, times],
          [1, [0, 1000, 1500, 4000], [0, 0, 0, 0]],
        ],
        [
          [0, "a"],
          [1, "b"],
        ],
      ),
      10,
    );
    expect(held(store)).toEqual({ a: [7000, 7200, 12000], b: [0, 1000, 1500, 4000] });
    store.receive(...batch(2, [[1, [6000], [0]]]), 20);
    expect(held(store)).toEqual({ a: [7000, 7200, 12000], b: [1000, 1500, 4000, 6000] });
    store.receive(...reset(3, [[0, times, times]], [[0, "a"]]), 30);
    expect(held(store)).toEqual({ a: [7000, 7200, 12000] });
  });

  it("is a count window alone without spanMs", () => {
    const store = new Store({ window: 100, send: () => {} });
    store.receive(...batch(1, [[0, [0, 1000, 12000], [0, 0, 0]]], [[0, "a"]]), 0);
    expect(held(store)).toEqual({ a: [0, 1000, 12000] });
  });
});

describe("a store whose page reads its feed (direct.js)", () => {
  /** @param {number} window */
  function directStore(window = 100) {
    /** @type {object[]} */
    const sent = [];
    const store = new Store({ window, send: (content) => sent.push(content) });
    store.direct = /** @type {import("./direct.js").DirectFeed} */ (/** @type {unknown} */ ({}));
    /** @type {string[]} */
    const changes = [];
    store.subscribe((change) => changes.push(change));
    return { store, sent, changes };
  }

  /** @param {number} series @param {number[]} xs */
  const points = (series, xs) => xs.map((x) => ({ series, x, y: x * 10 }));

  it("holds the points the page read, by series, and never asks the kernel for any", () => {
    const { store, sent, changes } = directStore();
    store.takeLocal([...points(0, [1, 2]), ...points(1, [1])], ["a", "b"]);
    expect([...store.feed.series.values()].map((s) => [s.name, [...s.ring.xs()]])).toEqual([
      ["a", [1, 2]],
      ["b", [1]],
    ]);
    expect(changes).toEqual(["received", "data"]);
    store.sync(0);
    store.snapshotChanged({ seq: 7 }, 0);
    store.receive(...message("batch", 1, [[0, [5], [5]]]), 0);
    expect(sent).toEqual([]);
    expect(store.feed.points).toBe(3);
  });

  it("counts no gap and asks no sync when the kernel's snapshot moves on", () => {
    const { store } = directStore();
    store.takeLocal(points(0, [1, 2]), ["a"]);
    store.snapshotChanged({ seq: 3 }, 0);
    store.snapshotChanged({ seq: 9 }, 100);
    expect(store.feed.gaps).toBe(0);
    expect(store.feed.awaitingReset).toBe(false);
  });

  it("goes on with the series a saved window holds, by name, whatever order the page meets them in", () => {
    // A saved window first (the kernel's reset stands for it), then the page's own feed.
    const store = new Store({ window: 100, send: () => {} });
    store.receive(
      ...message(
        "reset",
        3,
        [
          [0, [1], [1]],
          [1, [1], [2]],
        ],
        [
          [0, "ACME"],
          [1, "BETA"],
        ],
      ),
      0,
    );
    store.direct = /** @type {import("./direct.js").DirectFeed} */ (/** @type {unknown} */ ({}));
    // The page meets BETA first: its series 0 is the store's 1.
    store.takeLocal([...points(0, [5]), ...points(1, [6]), ...points(2, [7])], ["BETA", "ACME", "GAMMA"]);
    expect([...store.feed.series.values()].map((s) => [s.id, s.name, [...s.ring.xs()]])).toEqual([
      [0, "ACME", [1, 6]],
      [1, "BETA", [1, 5]],
      [2, "GAMMA", [7]],
    ]);
  });

  it("gives back each point once, newest first kept when there are more than it may send", () => {
    const { store } = directStore(1000);
    store.takeLocal([...points(0, [1, 2, 3]), ...points(1, [1, 2])], ["a", "b"]);
    const first = store.takeBack(100);
    expect(first.names).toEqual(["a", "b"]);
    expect([...first.xs]).toEqual([1, 2, 3, 1, 2]);
    expect([...first.ys]).toEqual([10, 20, 30, 10, 20]);
    expect([...first.series]).toEqual([0, 0, 0, 1, 1]);
    expect(store.takeBack(100).xs).toHaveLength(0);

    store.takeLocal(
      points(
        0,
        Array.from({ length: 300 }, (_, i) => 10 + i),
      ),
      ["a", "b"],
    );
    const bounded = store.takeBack(100);
    expect(bounded.xs.length).toBeLessThanOrEqual(100);
    expect(bounded.xs.length).toBeGreaterThan(50);
    expect(bounded.names).toEqual(["a"]);
    expect(bounded.xs[bounded.xs.length - 1]).toBe(309); // the newest is always there
    const steps = new Set([...bounded.xs].slice(1).map((x, i) => x - bounded.xs[i]));
    expect(steps.size).toBe(1); // evenly spread
  });
});

describe("a front end that drops the kernel's messages", () => {
  it("is told apart once the kernel said it sent points and none came for NO_DATA_AFTER_MS", () => {
    const store = new Store({ window: 10, send: () => {} });
    store.checkKernel("ok", 0);
    expect(store.undelivered(0)).toBe(false);
    store.snapshotChanged({ seq: 2, series: [], segments: [] }, 1000);
    expect(store.undelivered(1000 + NO_DATA_AFTER_MS - 1)).toBe(false);
    expect(store.undelivered(1000 + NO_DATA_AFTER_MS)).toBe(true);
    // A kernel that is gone explains the silence better.
    store.checkKernel("gone", 20_000);
    expect(store.undelivered(30_000)).toBe(false);
    store.checkKernel("ok", 30_000);
    expect(store.undelivered(30_000)).toBe(true);
    // Points that arrive end it for good.
    store.receive(...message("reset", 2, [[0, [1], [1]]], [[0, "a"]]), 31_000);
    expect(store.undelivered(60_000)).toBe(false);
  });

  it("never concerns a chart that reads its feed in the page", () => {
    const store = new Store({ window: 10, send: () => {} });
    store.direct = /** @type {import("./direct.js").DirectFeed} */ (/** @type {unknown} */ ({}));
    store.snapshotChanged({ seq: 2, series: [], segments: [] }, 0);
    expect(store.undelivered(60_000)).toBe(false);
  });
});
