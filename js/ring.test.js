import { describe, expect, it } from "vitest";
import { Ring } from "./ring.js";

const f64 = (...v) => Float64Array.from(v);
const range = (a, b) => Float64Array.from({ length: b - a }, (_, i) => a + i);

describe("Ring", () => {
  it("starts empty", () => {
    const r = new Ring(4);
    expect(r.length).toBe(0);
    expect([...r.xs()]).toEqual([]);
    expect(r.lastX).toBeNaN();
    expect(r.lastY).toBeNaN();
  });

  it("keeps points in order below capacity", () => {
    const r = new Ring(4);
    r.push(1, 10);
    r.push(2, 20);
    expect([...r.xs()]).toEqual([1, 2]);
    expect([...r.ys()]).toEqual([10, 20]);
    expect(r.lastX).toBe(2);
    expect(r.lastY).toBe(20);
  });

  it("drops the oldest points one by one past capacity, through several compactions", () => {
    const r = new Ring(3);
    for (let i = 0; i < 20; i++) {
      r.push(i, i * 10);
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
    r.append(range(0, 10), range(0, 10).map((v) => v * 2));
    expect([...r.xs()]).toEqual([6, 7, 8, 9]);
    expect([...r.ys()]).toEqual([12, 14, 16, 18]);
    r.push(10, 20);
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

  it("matches a naive model under random appends", () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const cap = 37;
    const r = new Ring(cap);
    let model = [];
    let next = 0;
    for (let step = 0; step < 500; step++) {
      const n = Math.floor(rand() * 60);
      const xs = range(next, next + n);
      next += n;
      if (rand() < 0.3) {
        for (let i = 0; i < n; i++) r.push(xs[i], -xs[i]);
      } else {
        r.append(xs, xs.map((v) => -v));
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
    r.push(5, 6);
    expect([...r.xs()]).toEqual([5]);
  });

  it("resizes, keeping the newest points that fit", () => {
    const r = new Ring(5);
    r.append(range(0, 5), range(10, 15));
    r.resize(3);
    expect([...r.xs()]).toEqual([2, 3, 4]);
    expect([...r.ys()]).toEqual([12, 13, 14]);
    r.resize(6);
    expect([...r.xs()]).toEqual([2, 3, 4]);
    r.append(range(5, 9), range(5, 9));
    expect([...r.xs()]).toEqual([3, 4, 5, 6, 7, 8]);
  });

  it("treats a capacity below 1 as 1", () => {
    const r = new Ring(0);
    r.push(1, 1);
    r.push(2, 2);
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

  it("agrees with a walk over the points through appends, pushes, compactions and resizes", () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
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
          xs[i] = rand() < 0.005 ? NaN : x++;
          ys[i] = value();
        }
        r.append(xs, ys);
      } else if (op < 0.95) r.push(x++, value());
      else r.resize(300 + Math.floor(rand() * 800));
      for (let q = 0; q < 5; q++) {
        const from = Math.floor(rand() * (r.length + 10)) - 5;
        const to = from + Math.floor(rand() * (r.length + 10));
        expect(r.summary(from, to, out)).toEqual(brute(r, from, to));
      }
      expect(r.summary(0, r.length, out)).toEqual(brute(r, 0, r.length));
    }
  });
});
