import { describe, expect, it } from "vitest";
import { BLOCK, Ring } from "./ring.js";

/** @param {number[]} v */
const f64 = (...v) => Float64Array.from(v);
const range = (/** @type {number} */ a, /** @type {number} */ b) =>
  Float64Array.from({ length: b - a }, (_, i) => a + i);
/** Appends a single point. */
const add = (/** @type {Ring} */ r, /** @type {number} */ x, /** @type {number} */ y) => r.append(f64(x), f64(y));

/**
 * A seeded generator of numbers in [0, 1), so a failing case replays.
 * @param {number} seed
 */
function lcg(seed) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

describe("Ring", () => {
  it("counts as edits the changes a kept picture cannot follow, and only those", () => {
    const r = new Ring(4);
    r.append(range(0, 6), range(0, 6)); // in order, the oldest leaving past capacity
    add(r, 6, 6);
    r.dropBelow(4);
    r.keepSpan(1);
    expect(r.edits).toBe(0);
    add(r, 5.5, 1); // a late point, merged among the others
    expect(r.edits).toBe(1);
    r.replaceNewest(6, 2);
    expect(r.edits).toBe(2);
    expect(r.replaceNewest(99, 2)).toBe(false); // nothing changed
    expect(r.edits).toBe(2);
    r.clear();
    expect(r.edits).toBe(3);
  });

  it("starts empty", () => {
    const r = new Ring(4);
    expect(r.length).toBe(0);
    expect([...r.xs()]).toEqual([]);
  });

  it("keeps points in order below capacity", () => {
    const r = new Ring(4);
    expect(add(r, 1, 10)).toBe(0);
    expect(add(r, 2, 20)).toBe(0);
    expect([...r.xs()]).toEqual([1, 2]);
    expect([...r.ys()]).toEqual([10, 20]);
  });

  it("drops the oldest points one by one past capacity, through several compactions", () => {
    const r = new Ring(3);
    for (let i = 0; i < 20; i++) {
      add(r, i, i * 10);
      const first = Math.max(0, i - 2);
      expect([...r.xs()]).toEqual([...range(first, i + 1)]);
      expect([...r.ys()]).toEqual([...range(first, i + 1)].map((v) => v * 10));
    }
    expect(r.length).toBe(3);
  });

  it("returns views of contiguous storage (no copy)", () => {
    const r = new Ring(4);
    r.append(range(0, 3), range(0, 3));
    const xs = r.xs();
    expect(xs).toBeInstanceOf(Float64Array);
    expect(xs.buffer).toBe(r.xs().buffer);
    expect(xs.length).toBe(3);
  });

  it("appends blocks with wrap-around compaction", () => {
    const r = new Ring(5);
    r.append(range(0, 4), range(100, 104)); // end 4
    r.append(range(4, 8), range(104, 108)); // end 8, keeps 3..7
    expect([...r.xs()]).toEqual([3, 4, 5, 6, 7]);
    r.append(range(8, 11), range(108, 111)); // end would pass 10: compacts
    expect([...r.xs()]).toEqual([6, 7, 8, 9, 10]);
    expect([...r.ys()]).toEqual([106, 107, 108, 109, 110]);
    expect(r._end).toBeLessThanOrEqual(10);
  });

  it("keeps only the newest capacity points when more arrive at once", () => {
    const r = new Ring(4);
    r.append(f64(-2, -1), f64(-20, -10));
    r.append(
      range(0, 10),
      range(0, 10).map((v) => v * 2),
    );
    expect([...r.xs()]).toEqual([6, 7, 8, 9]);
    expect([...r.ys()]).toEqual([12, 14, 16, 18]);
    add(r, 10, 20);
    expect([...r.xs()]).toEqual([7, 8, 9, 10]);
  });

  it("appends exactly capacity points, replacing everything", () => {
    const r = new Ring(3);
    r.append(f64(1, 2), f64(1, 2));
    r.append(f64(7, 8, 9), f64(70, 80, 90));
    expect([...r.xs()]).toEqual([7, 8, 9]);
    expect([...r.ys()]).toEqual([70, 80, 90]);
  });

  it("appends a sub-range of the arrays", () => {
    const r = new Ring(10);
    r.append(range(0, 10), range(10, 20), 3, 6);
    expect([...r.xs()]).toEqual([3, 4, 5]);
    expect([...r.ys()]).toEqual([13, 14, 15]);
    r.append(range(0, 10), range(0, 10), 4, 4);
    expect(r.length).toBe(3);
  });

  it("rejects ranges past the end of the arrays", () => {
    const r = new Ring(10);
    expect(() => r.append(range(0, 5), range(0, 4))).toThrow(RangeError);
    expect(() => r.append(range(0, 5), range(0, 5), 3, 2)).toThrow(RangeError);
  });

  it("matches a naive model under random in-order appends", () => {
    const rand = lcg(42);
    const cap = 37;
    const r = new Ring(cap);
    /** @type {number[]} */
    let model = [];
    let next = 0;
    for (let step = 0; step < 500; step++) {
      const n = Math.floor(rand() * 60);
      const xs = range(next, next + n);
      next += n;
      if (rand() < 0.3) {
        for (let i = 0; i < n; i++) add(r, xs[i], -xs[i]);
      } else {
        r.append(
          xs,
          xs.map((v) => -v),
        );
      }
      model = model.concat([...xs]).slice(-cap);
      expect([...r.xs()]).toEqual(model);
      expect([...r.ys()]).toEqual(model.map((v) => -v));
    }
  });

  it("keeps NaN values (gaps)", () => {
    const r = new Ring(3);
    r.append(f64(1, 2, 3), f64(1, NaN, 3));
    expect(r.ys()[1]).toBeNaN();
  });

  it("clears", () => {
    const r = new Ring(3);
    r.append(f64(1, 2), f64(1, 2));
    r.clear();
    expect(r.length).toBe(0);
    add(r, 5, 6);
    expect([...r.xs()]).toEqual([5]);
  });

  it("treats a capacity below 1 as 1", () => {
    const r = new Ring(0);
    add(r, 1, 1);
    add(r, 2, 2);
    expect([...r.xs()]).toEqual([2]);
  });
});

describe("Ring.summary", () => {
  /** Point by point, as the summary must answer. */
  const brute = (/** @type {Ring} */ r, /** @type {number} */ from, /** @type {number} */ to) => {
    const xs = r.xs();
    const ys = r.ys();
    let lo = Infinity;
    let hi = -Infinity;
    let gap = false;
    for (let i = Math.max(0, from); i < Math.min(xs.length, to); i++) {
      if (Number.isFinite(ys[i])) {
        lo = Math.min(lo, ys[i]);
        hi = Math.max(hi, ys[i]);
      }
      if (!Number.isFinite(ys[i]) || !Number.isFinite(xs[i])) gap = true;
    }
    return { lo, hi, gap };
  };

  it("agrees with a walk over the points through appends, compactions and clears", () => {
    const rand = lcg(7);
    const value = () => {
      const u = rand();
      return u < 0.01 ? NaN : u < 0.015 ? Infinity : u < 0.02 ? -Infinity : Math.round(rand() * 1000) - 500;
    };
    const r = new Ring(700);
    const out = { lo: 0, hi: 0, gap: false };
    let x = 0;
    for (let step = 0; step < 400; step++) {
      const op = rand();
      if (op < 0.6) {
        const n = 1 + Math.floor(rand() * (rand() < 0.05 ? 1000 : 90));
        const xs = new Float64Array(n);
        const ys = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          xs[i] = x++;
          ys[i] = value();
        }
        r.append(xs, ys);
      } else if (op < 0.95) add(r, x++, value());
      else r.clear();
      for (let q = 0; q < 5; q++) {
        const from = Math.floor(rand() * (r.length + 10)) - 5;
        const to = from + Math.floor(rand() * (r.length + 10));
        expect(r.summary(from, to, out)).toEqual(brute(r, from, to));
      }
      expect(r.summary(0, r.length, out)).toEqual(brute(r, 0, r.length));
    }
  });
});

describe("Ring keeps x sorted", () => {
  it("sorts points given one at a time out of order", () => {
    const r = new Ring(10);
    for (const x of [5, 1, 9, 3]) add(r, x, x * 10);
    expect([...r.xs()]).toEqual([1, 3, 5, 9]);
    expect([...r.ys()]).toEqual([10, 30, 50, 90]);
  });

  it("sorts a part that is not itself sorted", () => {
    const r = new Ring(10);
    expect(r.append(f64(5, 1, 9, 3), f64(50, 10, 90, 30))).toBe(0);
    expect([...r.xs()]).toEqual([1, 3, 5, 9]);
    expect([...r.ys()]).toEqual([10, 30, 50, 90]);
  });

  it("merges history given after live data into a ring that is not full", () => {
    const r = new Ring(10);
    r.append(f64(10, 11, 12), f64(100, 110, 120));
    expect(r.append(f64(1, 2, 3), f64(-1, -2, -3))).toBe(0);
    expect([...r.xs()]).toEqual([1, 2, 3, 10, 11, 12]);
    expect([...r.ys()]).toEqual([-1, -2, -3, 100, 110, 120]);
    // Interleaved with what is held, and more than fits: the greatest x stay.
    expect(r.append(f64(0, 2.5, 10.5, 11.5, 13), f64(0, 25, 105, 115, 130))).toBe(0);
    expect([...r.xs()]).toEqual([1, 2, 2.5, 3, 10, 10.5, 11, 11.5, 12, 13]);
    expect([...r.ys()]).toEqual([-1, -2, 25, -3, 100, 105, 110, 115, 120, 130]);
    // Appending in order afterwards continues from the merged storage.
    expect(r.append(f64(14, 15), f64(140, 150))).toBe(0);
    expect([...r.xs()]).toEqual([2.5, 3, 10, 10.5, 11, 11.5, 12, 13, 14, 15]);
  });

  it("drops and counts points older than the oldest held by a full ring", () => {
    const r = new Ring(4);
    r.append(f64(10, 11, 12, 13), f64(1, 2, 3, 4));
    // 5 and 9.5 are below 10; 11.5 enters, and 14 pushes out what is least.
    expect(r.append(f64(5, 9.5, 11.5, 14), f64(50, 95, 115, 140))).toBe(2);
    expect([...r.xs()]).toEqual([11.5, 12, 13, 14]);
    expect([...r.ys()]).toEqual([115, 3, 4, 140]);
    expect(add(r, 1, 1)).toBe(1);
    expect([...r.xs()]).toEqual([11.5, 12, 13, 14]);
    // An x equal to the least held is not older: it enters and the older point leaves.
    expect(add(r, 11.5, -1)).toBe(0);
    expect([...r.xs()]).toEqual([11.5, 12, 13, 14]);
    expect([...r.ys()]).toEqual([-1, 3, 4, 140]);
  });

  it("does not count points that enter a ring that is not full and then leave", () => {
    const r = new Ring(3);
    add(r, 10, 10);
    expect(r.append(f64(3, 1, 20, 21, 22), f64(3, 1, 20, 21, 22))).toBe(0);
    expect([...r.xs()]).toEqual([20, 21, 22]);
  });

  it("keeps points of equal x in the order given", () => {
    const r = new Ring(10);
    r.append(f64(1, 2, 3), f64(10, 20, 30));
    add(r, 2, 21);
    expect([...r.xs()]).toEqual([1, 2, 2, 3]);
    expect([...r.ys()]).toEqual([10, 20, 21, 30]);
    r.append(f64(3, 1, 3, 1), f64(31, 11, 32, 12));
    expect([...r.xs()]).toEqual([1, 1, 1, 2, 2, 3, 3, 3]);
    expect([...r.ys()]).toEqual([10, 11, 12, 20, 21, 30, 31, 32]);
  });

  it("drops and counts points whose x is not finite", () => {
    const r = new Ring(10);
    expect(r.append(f64(1, NaN, 2, Infinity, -Infinity, 3), f64(1, 9, 2, 9, 9, 3))).toBe(3);
    expect([...r.xs()]).toEqual([1, 2, 3]);
    expect([...r.ys()]).toEqual([1, 2, 3]);
    expect(add(r, NaN, 5)).toBe(1);
    expect(r.append(f64(4, NaN), f64(4, 5), 0, 2)).toBe(1);
    expect([...r.xs()]).toEqual([1, 2, 3, 4]);
  });

  it("merges a sub-range of the arrays only", () => {
    const r = new Ring(10);
    r.append(f64(5, 6), f64(5, 6));
    expect(r.append(f64(100, 1, 0, 200), f64(100, 1, 0, 200), 1, 3)).toBe(0);
    expect([...r.xs()]).toEqual([0, 1, 5, 6]);
  });

  it("equals a model (all points given, sorted stably, the greatest capacity kept) under random appends", () => {
    const rand = lcg(2024);
    for (let round = 0; round < 60; round++) {
      const cap = 1 + Math.floor(rand() * (rand() < 0.3 ? 4 : 80));
      const r = new Ring(cap);
      /** @type {Array<{x: number, y: number}>} every finite point given, in the order given */
      let all = [];
      /** the ring kept point by point: a late point is dropped when below the least of a full window */
      /** @type {Array<{x: number, y: number}>} */
      let stepwise = [];
      let next = 0; // the live edge
      let y = 0;
      for (let step = 0; step < 80; step++) {
        const op = rand();
        if (op < 0.05) {
          r.clear();
          all = [];
          stepwise = [];
          continue;
        }
        const n = Math.floor(rand() * (rand() < 0.1 ? 3 * cap : 12));
        const xs = new Float64Array(n);
        const ys = new Float64Array(n);
        const kind = rand();
        for (let i = 0; i < n; i++) {
          let x;
          if (kind < 0.4)
            x = next += Math.floor(rand() * 3); // live, in order, with ties
          else if (kind < 0.6)
            x = next - 40 + Math.floor(rand() * 45); // late points, unsorted
          else if (kind < 0.8)
            x = next - 100 + i; // history, sorted
          else x = Math.floor(rand() * (next + 5)); // anywhere, unsorted
          xs[i] = rand() < 0.02 ? NaN : x;
          ys[i] = y++;
        }
        const from = n > 0 && rand() < 0.2 ? Math.floor(rand() * n) : 0;
        const dropped = r.append(xs, ys, from, n);
        const given = [];
        for (let i = from; i < n; i++) given.push({ x: xs[i], y: ys[i] });
        const finite = given.filter((p) => Number.isFinite(p.x));
        all = [...all, ...finite].sort((a, b) => a.x - b.x).slice(-cap); // Array sort is stable
        let expectDropped = given.length - finite.length;
        for (const p of [...finite].sort((a, b) => a.x - b.x)) {
          if (stepwise.length === cap && p.x < stepwise[0].x) {
            expectDropped += 1;
            continue;
          }
          let at = stepwise.length;
          while (at > 0 && stepwise[at - 1].x > p.x) at--;
          stepwise.splice(at, 0, p);
          if (stepwise.length > cap) stepwise.shift();
        }
        expect(stepwise).toEqual(all);
        expect([...r.xs()]).toEqual(all.map((p) => p.x));
        expect([...r.ys()]).toEqual(all.map((p) => p.y));
        expect(dropped).toBe(expectDropped);
      }
    }
  });

  it("keeps the block summaries exact through in-order and out-of-order appends", () => {
    const rand = lcg(99);
    const value = () => {
      const u = rand();
      return u < 0.01 ? NaN : u < 0.015 ? Infinity : u < 0.02 ? -Infinity : Math.round(rand() * 1000) - 500;
    };
    const out = { lo: 0, hi: 0, gap: false };
    for (let round = 0; round < 8; round++) {
      const cap = 200 + Math.floor(rand() * 600);
      const r = new Ring(cap);
      /** @type {Array<{x: number, y: number}>} the model: the greatest `cap` points, sorted stably */
      let model = [];
      let next = 0;
      for (let step = 0; step < 120; step++) {
        const n = 1 + Math.floor(rand() * (rand() < 0.05 ? 2 * cap : 100));
        const late = rand() < 0.35;
        const xs = new Float64Array(n);
        const ys = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          if (late) xs[i] = next - Math.floor(rand() * cap);
          else {
            next += Math.floor(rand() * 2);
            xs[i] = next;
          }
          ys[i] = value();
        }
        r.append(xs, ys);
        const given = Array.from(xs, (x, i) => ({ x, y: ys[i] }));
        model = [...model, ...given].sort((a, b) => a.x - b.x).slice(-cap);
        for (let q = 0; q < 6; q++) {
          const from = Math.floor(rand() * (model.length + 10)) - 5;
          const to = from + Math.floor(rand() * (model.length + 10));
          expect(r.summary(from, to, out)).toEqual(bruteModel(model, from, to));
        }
        // Short ranges (a few blocks) all along the ring, where a stale block shows.
        for (let from = 0; from < model.length; from += 1 + Math.floor(rand() * 40)) {
          const to = from + 2 * BLOCK + Math.floor(rand() * 3 * BLOCK);
          expect(r.summary(from, to, out)).toEqual(bruteModel(model, from, to));
        }
        expect(r.summary(0, model.length, out)).toEqual(bruteModel(model, 0, model.length));
      }
    }
  });
});

/**
 * Least and greatest finite y and any gap over model[from..to), point by point.
 * @param {Array<{x: number, y: number}>} model
 * @param {number} from
 * @param {number} to
 */
function bruteModel(model, from, to) {
  let lo = Infinity;
  let hi = -Infinity;
  let gap = false;
  for (let i = Math.max(0, from); i < Math.min(model.length, to); i++) {
    const { x, y } = model[i];
    if (Number.isFinite(y)) {
      lo = Math.min(lo, y);
      hi = Math.max(hi, y);
    }
    if (!Number.isFinite(y) || !Number.isFinite(x)) gap = true;
  }
  return { lo, hi, gap };
}

describe("Ring time window", () => {
  // The same points as the kernel's tests: x in ms at 0, 1 s, 1.5 s, 7 s, 7.2 s, 12 s.
  const TIMES = [0, 1000, 1500, 7000, 7200, 12000];

  it("keeps exactly the points within the span of the greatest x", () => {
    const r = new Ring(100);
    r.append(f64(...TIMES), f64(...TIMES.map((t) => t / 1000)));
    expect(r.keepSpan(5000)).toBe(3);
    expect([...r.xs()]).toEqual([7000, 7200, 12000]);
    expect([...r.ys()]).toEqual([7, 7.2, 12]);
  });

  it("gives the same points whether applied after every point or once at the end", () => {
    const r = new Ring(100);
    for (const t of TIMES) {
      add(r, t, t);
      r.keepSpan(5000);
    }
    expect([...r.xs()]).toEqual([7000, 7200, 12000]);
  });

  it("keeps a point exactly the span below the greatest x", () => {
    const r = new Ring(10);
    r.append(f64(1000, 1999, 2000, 6000), f64(0, 0, 0, 0));
    r.keepSpan(4000);
    expect([...r.xs()]).toEqual([2000, 6000]);
  });

  it("keeps everything without a positive span, and leaves an empty ring alone", () => {
    const r = new Ring(10);
    expect(r.keepSpan(5000)).toBe(0);
    r.append(f64(...TIMES), f64(...TIMES));
    for (const span of [0, -1, NaN, Infinity]) expect(r.keepSpan(span)).toBe(0);
    expect([...r.xs()]).toEqual(TIMES);
  });

  it("drops below a threshold by binary search, through compactions and late points", () => {
    const r = new Ring(50);
    /** @type {number[]} */
    let model = [];
    const rand = lcg(7);
    for (let step = 0; step < 300; step++) {
      const x = Math.floor(rand() * 1000);
      add(r, x, x);
      model = [...model, x].sort((a, b) => a - b).slice(-50);
      const span = 200 + Math.floor(rand() * 400);
      r.keepSpan(span);
      const newest = model[model.length - 1];
      model = model.filter((v) => v >= newest - span);
      expect([...r.xs()]).toEqual(model);
    }
  });

  it("keeps the block summaries exact after points leave by time", () => {
    const r = new Ring(1000);
    const xs = range(0, 900);
    r.append(
      xs,
      Float64Array.from(xs, (x) => (x % 97) - 40),
    );
    r.dropBelow(333.5);
    const model = Array.from(r.xs(), (x, i) => ({ x, y: r.ys()[i] }));
    expect(model[0].x).toBe(334);
    const out = { lo: 0, hi: 0, gap: false };
    for (const [from, to] of [
      [0, model.length],
      [3, 3 * BLOCK + 5],
      [BLOCK - 1, 5 * BLOCK],
    ]) {
      expect(r.summary(from, to, out)).toEqual(bruteModel(model, from, to));
    }
  });
});

describe("Ring.replaceNewest", () => {
  it("replaces the y of the newest point when its x is the one given", () => {
    const r = new Ring(4);
    r.append(f64(1, 2, 3), f64(10, 20, 30));
    expect(r.replaceNewest(3, 33)).toBe(true);
    expect([...r.xs()]).toEqual([1, 2, 3]);
    expect([...r.ys()]).toEqual([10, 20, 33]);
    expect(r.length).toBe(3);
  });

  it("changes nothing when the ring is empty or its newest x differs", () => {
    const r = new Ring(4);
    expect(r.replaceNewest(1, 1)).toBe(false);
    expect(r.length).toBe(0);
    r.append(f64(1, 2, 3), f64(10, 20, 30));
    for (const x of [2, 4, 2.999, NaN, Infinity]) expect(r.replaceNewest(x, 0), String(x)).toBe(false);
    expect([...r.ys()]).toEqual([10, 20, 30]);
  });

  it("replaces the last given of points with equal x", () => {
    const r = new Ring(4);
    r.append(f64(1, 2, 2), f64(10, 20, 21));
    expect(r.replaceNewest(2, 22)).toBe(true);
    expect([...r.ys()]).toEqual([10, 20, 22]);
  });

  it("summarises the new value, whether it is below, above or in place of a gap", () => {
    const r = new Ring(10 * BLOCK);
    // Long enough that the newest point's block is read from its summary.
    r.append(range(0, 4 * BLOCK), new Float64Array(4 * BLOCK).fill(5));
    const last = 4 * BLOCK - 1;
    const out = { lo: 0, hi: 0, gap: false };
    r.replaceNewest(last, 100);
    expect(r.summary(0, r.length, out)).toEqual({ lo: 5, hi: 100, gap: false });
    r.replaceNewest(last, -3);
    expect(r.summary(0, r.length, out)).toEqual({ lo: -3, hi: 5, gap: false });
    r.replaceNewest(last, NaN);
    expect(r.summary(0, r.length, out)).toEqual({ lo: 5, hi: 5, gap: true });
    r.replaceNewest(last, 5);
    expect(r.summary(0, r.length, out)).toEqual({ lo: 5, hi: 5, gap: false });
    // Appends after a replace fold into the block's summary as before.
    r.append(f64(last + 1), f64(-7));
    expect(r.summary(0, r.length, out)).toEqual({ lo: -7, hi: 5, gap: false });
  });

  it("gives the summaries of a ring built fresh from the final values, through random appends and replaces", () => {
    const rand = lcg(2024);
    const value = () => {
      const u = rand();
      return u < 0.02 ? NaN : u < 0.025 ? Infinity : u < 0.03 ? -Infinity : Math.round(rand() * 1000) - 500;
    };
    const out = { lo: 0, hi: 0, gap: false };
    const fresh = { lo: 0, hi: 0, gap: false };
    for (let round = 0; round < 4; round++) {
      const cap = 100 + Math.floor(rand() * 300);
      const r = new Ring(cap);
      /** @type {Array<{x: number, y: number}>} the model: the greatest `cap` points, sorted stably */
      let model = [];
      let next = 0;
      for (let step = 0; step < 150; step++) {
        const op = rand();
        if (op < 0.5) {
          // A bar growing: its newest point again, sometimes with an x that is not the newest.
          const newest = model.length > 0 ? model[model.length - 1].x : NaN;
          const x = rand() < 0.85 ? newest : newest - 1;
          const y = value();
          const did = r.replaceNewest(x, y);
          expect(did).toBe(model.length > 0 && x === newest);
          if (did) model[model.length - 1] = { x, y };
        } else {
          const n = 1 + Math.floor(rand() * (rand() < 0.05 ? 2 * cap : 3 * BLOCK));
          const late = rand() < 0.2;
          const xs = new Float64Array(n);
          const ys = new Float64Array(n);
          for (let i = 0; i < n; i++) {
            if (late) xs[i] = next - Math.floor(rand() * cap);
            else {
              next += Math.floor(rand() * 2);
              xs[i] = next;
            }
            ys[i] = value();
          }
          r.append(xs, ys);
          const given = Array.from(xs, (x, i) => ({ x, y: ys[i] }));
          model = [...model, ...given].sort((a, b) => a.x - b.x).slice(-cap);
        }
        expect([...r.xs()]).toEqual(model.map((p) => p.x));
        expect([...r.ys()]).toEqual(model.map((p) => p.y));
        const built = new Ring(cap);
        built.append(
          Float64Array.from(model, (p) => p.x),
          Float64Array.from(model, (p) => p.y),
        );
        // Every range that reads whole blocks near the newest point, and some anywhere.
        const ranges = [[0, model.length]];
        for (
          let from = Math.max(0, model.length - 4 * BLOCK);
          from < model.length;
          from += 1 + Math.floor(rand() * 40)
        ) {
          ranges.push([from, model.length]);
        }
        for (let q = 0; q < 2; q++) {
          const from = Math.floor(rand() * model.length);
          ranges.push([from, from + 2 * BLOCK + Math.floor(rand() * 3 * BLOCK)]);
        }
        for (const [from, to] of ranges) {
          expect(r.summary(from, to, out)).toEqual(built.summary(from, to, fresh));
          expect(out).toEqual(bruteModel(model, from, to));
        }
      }
    }
  });
});
