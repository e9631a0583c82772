import { describe, expect, it } from "vitest";
import { decodeMessage, decodeSnapshot, ROLES, toFloat64 } from "./wire.js";

/**
 * Little-endian float64 bytes of the values, as a DataView starting at byte `offset` of a larger buffer.
 * @param {number[]} values
 * @param {number} [offset]
 */
function view(values, offset = 0) {
  const buf = new ArrayBuffer(offset + values.length * 8 + 3);
  const dv = new DataView(buf, offset, values.length * 8);
  values.forEach((v, i) => {
    dv.setFloat64(i * 8, v, true);
  });
  return dv;
}

describe("toFloat64", () => {
  it("views an aligned DataView without copying", () => {
    const dv = view([1.5, -2, NaN], 8);
    const a = toFloat64(dv, "x");
    expect(a.buffer).toBe(dv.buffer);
    expect(a.length).toBe(3);
    expect(a[0]).toBe(1.5);
    expect(a[1]).toBe(-2);
    expect(a[2]).toBeNaN();
  });

  it("copies a DataView whose byte offset is not a multiple of 8", () => {
    const dv = view([3.25, 1e300], 5);
    const a = toFloat64(dv, "x");
    expect(a.buffer).not.toBe(dv.buffer);
    expect([...a]).toEqual([3.25, 1e300]);
  });

  it("accepts an ArrayBuffer and a typed array", () => {
    expect([...toFloat64(Float64Array.of(1, 2).buffer, "x")]).toEqual([1, 2]);
    expect([...toFloat64(new Uint8Array(Float64Array.of(7).buffer), "x")]).toEqual([7]);
  });

  it("rejects a length that is not a multiple of 8", () => {
    const dv = new DataView(new ArrayBuffer(12));
    expect(() => toFloat64(dv, "batch 3 x")).toThrow(/batch 3 x: 12 bytes/);
  });

  it("rejects non-buffers", () => {
    expect(() => toFloat64([1, 2], "y")).toThrow(/y: expected a binary buffer/);
    expect(() => toFloat64(undefined, "y")).toThrow(/expected a binary buffer/);
  });
});

describe("decodeMessage", () => {
  it("splits a batch into per-series parts", () => {
    const content = {
      type: "batch",
      seq: 17,
      series: [[2, "ACME"]],
      segments: [
        [0, 2],
        [2, 1],
      ],
    };
    const msg = decodeMessage(content, [view([1, 2, 3], 3), view([10, 20, 30])]);
    expect(msg.type).toBe("batch");
    expect(msg.seq).toBe(17);
    expect(msg.points).toBe(3);
    expect(msg.names).toEqual([[2, "ACME", null]]);
    expect(msg.parts.map((p) => [p.id, [...p.xs], [...p.ys]])).toEqual([
      [0, [1, 2], [10, 20]],
      [2, [3], [30]],
    ]);
  });

  it("decodes a reset, including empty segments", () => {
    const content = {
      type: "reset",
      seq: 18,
      series: [
        [0, "BETA"],
        [2, "ACME"],
      ],
      segments: [
        [0, 0],
        [2, 2],
      ],
    };
    const msg = decodeMessage(content, [view([5, 6]), view([NaN, 1])]);
    expect(msg.type).toBe("reset");
    expect(msg.parts[0].xs.length).toBe(0);
    expect([...msg.parts[1].xs]).toEqual([5, 6]);
    expect(msg.parts[1].ys[0]).toBeNaN();
  });

  it("decodes an empty batch", () => {
    const msg = decodeMessage({ type: "batch", seq: 1, series: [], segments: [] }, [view([]), view([])]);
    expect(msg.points).toBe(0);
    expect(msg.parts).toEqual([]);
  });

  it("rejects segments that do not add up to the buffers", () => {
    const short = { type: "batch", seq: 1, series: [], segments: [[0, 2]] };
    expect(() => decodeMessage(short, [view([1, 2, 3]), view([1, 2, 3])])).toThrow(
      /batch 1: segments add up to 2 points but the buffers hold 3/,
    );
    const long = {
      type: "batch",
      seq: 1,
      series: [],
      segments: [
        [0, 2],
        [1, 2],
      ],
    };
    expect(() => decodeMessage(long, [view([1, 2, 3]), view([1, 2, 3])])).toThrow(/need more than the 3 points/);
  });

  it("rejects x and y buffers of different lengths", () => {
    const c = { type: "batch", seq: 1, series: [], segments: [[0, 2]] };
    expect(() => decodeMessage(c, [view([1, 2]), view([1])])).toThrow(/2 x values but 1 y values/);
  });

  it("rejects malformed content", () => {
    const b = [view([1]), view([1])];
    expect(() => decodeMessage({ type: "other", seq: 1 }, b)).toThrow(/not a point message/);
    expect(() => decodeMessage({ type: "batch", seq: "1", segments: [[0, 1]] }, b)).toThrow(/seq must be an integer/);
    expect(() => decodeMessage({ type: "batch", seq: 1, segments: [[0, -1]] }, b)).toThrow(/bad segment/);
    expect(() => decodeMessage({ type: "batch", seq: 1, segments: [["a", 1]] }, b)).toThrow(/bad segment/);
    expect(() => decodeMessage({ type: "batch", seq: 1, segments: {} }, b)).toThrow(/segments must be a list/);
    expect(() => decodeMessage({ type: "batch", seq: 1, series: [[0]], segments: [[0, 1]] }, b)).toThrow(
      /bad series entry/,
    );
    expect(() => decodeMessage({ type: "batch", seq: 1, segments: [[0, 1]] }, [b[0]])).toThrow(/expected 2 buffers/);
  });

  it("keeps series names as plain strings", () => {
    const c = { type: "batch", seq: 1, series: [[0, "<img src=x onerror=alert(1)>"]], segments: [[0, 1]] };
    expect(decodeMessage(c, [view([1]), view([1])]).names[0][1]).toBe("<img src=x onerror=alert(1)>");
  });
});

describe("decodeMessage for candle charts", () => {
  const two = () => [view([1, 2]), view([10, 20])];

  it("reads each series entry's role, and none from an entry of two elements", () => {
    const content = {
      type: "batch",
      seq: 1,
      series: [
        [0, "ACME", "open"],
        [1, "ACME", "high"],
        [2, "ACME", "low"],
        [3, "ACME", "close"],
        [4, "ACME", "volume"],
        [5, "plain"],
      ],
      segments: [[0, 2]],
    };
    expect(decodeMessage(content, two()).names).toEqual([
      [0, "ACME", "open"],
      [1, "ACME", "high"],
      [2, "ACME", "low"],
      [3, "ACME", "close"],
      [4, "ACME", "volume"],
      [5, "plain", null],
    ]);
    expect(ROLES).toEqual(["open", "high", "low", "close", "volume"]);
  });

  it("reads roles in a reset and in a snapshot too", () => {
    const reset = { type: "reset", seq: 4, series: [[7, "X", "close"]], segments: [[7, 2]] };
    expect(decodeMessage(reset, two()).names).toEqual([[7, "X", "close"]]);
    const [x, y] = two();
    const snap = decodeSnapshot({ seq: 4, series: [[7, "X", "volume"]], segments: [[7, 2]], x, y });
    expect(snap?.names).toEqual([[7, "X", "volume"]]);
  });

  it("rejects a role that is unknown, not a string, or followed by more", () => {
    for (const entry of [
      [0, "a", "wick"],
      [0, "a", "Open"],
      [0, "a", ""],
      [0, "a", 1],
      [0, "a", null],
      [0, "a", ["open"]],
    ]) {
      const content = { type: "batch", seq: 1, series: [entry], segments: [[0, 2]] };
      expect(() => decodeMessage(content, two()), JSON.stringify(entry)).toThrow(
        /batch 1: bad series entry .*its role must be one of open, high, low, close, volume/,
      );
    }
    const long = { type: "batch", seq: 1, series: [[0, "a", "open", "x"]], segments: [[0, 2]] };
    expect(() => decodeMessage(long, two())).toThrow(/batch 1: bad series entry/);
    const [x, y] = two();
    expect(() => decodeSnapshot({ seq: 1, series: [[0, "a", "bid"]], segments: [[0, 2]], x, y })).toThrow(
      /snapshot: bad series entry .*"bid"/,
    );
  });

  it("reads a batch segment's replace flag: 1 replaces, 0 and none do not", () => {
    const content = {
      type: "batch",
      seq: 3,
      series: [],
      segments: [
        [0, 2, 1],
        [1, 1, 0],
        [2, 1],
        [3, 0, 0],
      ],
    };
    const msg = decodeMessage(content, [view([5, 6, 7, 8]), view([50, 60, 70, 80])]);
    expect(msg.parts.map((p) => [p.id, [...p.xs], [...p.ys], p.replace])).toEqual([
      [0, [5, 6], [50, 60], true],
      [1, [7], [70], false],
      [2, [8], [80], false],
      [3, [], [], false],
    ]);
    expect(msg.points).toBe(4);
  });

  it("rejects a flag other than 0 or 1, a flag on no points, and a segment of four elements", () => {
    /** @type {Array<[unknown[], RegExp]>} */
    const cases = [
      [[0, 2, 2], /its replace flag must be 0 or 1/],
      [[0, 2, true], /its replace flag must be 0 or 1/],
      [[0, 2, "1"], /its replace flag must be 0 or 1/],
      [[0, 2, null], /its replace flag must be 0 or 1/],
      [[0, 2, 1, 0], /bad segment .*expected \[series id, count\] or \[series id, count, 0 \| 1\]/],
    ];
    for (const [seg, error] of cases) {
      const content = { type: "batch", seq: 1, series: [], segments: [seg] };
      expect(() => decodeMessage(content, two()), JSON.stringify(seg)).toThrow(error);
    }
    const empty = {
      type: "batch",
      seq: 1,
      series: [],
      segments: [
        [0, 2],
        [1, 0, 1],
      ],
    };
    expect(() => decodeMessage(empty, two())).toThrow(/batch 1: bad segment \[1, 0, 1\]; a segment without points/);
  });

  it("rejects a third segment element in a reset and in a snapshot", () => {
    for (const flag of [1, 0]) {
      const reset = { type: "reset", seq: 2, series: [], segments: [[0, 2, flag]] };
      expect(() => decodeMessage(reset, two())).toThrow(/reset 2: bad segment .*expected \[series id, count\]$/);
      const [x, y] = two();
      expect(() => decodeSnapshot({ seq: 2, series: [], segments: [[0, 2, flag]], x, y })).toThrow(
        /snapshot: bad segment/,
      );
    }
  });

  it("marks every part of a reset and of a snapshot as not replacing", () => {
    const reset = decodeMessage({ type: "reset", seq: 2, series: [], segments: [[0, 2]] }, two());
    expect(reset.parts.map((p) => p.replace)).toEqual([false]);
    const [x, y] = two();
    expect(decodeSnapshot({ seq: 2, series: [], segments: [[0, 2]], x, y })?.parts[0].replace).toBe(false);
  });
});

describe("decodeSnapshot", () => {
  it("returns null for an empty snapshot", () => {
    expect(decodeSnapshot({})).toBeNull();
    expect(decodeSnapshot(undefined)).toBeNull();
    expect(decodeSnapshot({ seq: 3, series: [], segments: [], x: view([]), y: view([]) })).toBeNull();
  });

  it("decodes a snapshot like a reset", () => {
    const snap = { seq: 9, series: [[1, "a"]], segments: [[1, 2]], x: view([1, 2], 1), y: view([3, 4]) };
    const msg = decodeSnapshot(snap);
    if (!msg) throw new Error("no snapshot decoded");
    expect(msg.type).toBe("reset");
    expect(msg.seq).toBe(9);
    expect(msg.parts.map((p) => [p.id, [...p.xs], [...p.ys]])).toEqual([[1, [1, 2], [3, 4]]]);
  });

  it("validates snapshot lengths", () => {
    const snap = { seq: 9, series: [], segments: [[1, 3]], x: view([1, 2]), y: view([3, 4]) };
    expect(() => decodeSnapshot(snap)).toThrow(/snapshot: segments need more/);
  });
});
