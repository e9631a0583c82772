import { describe, expect, it } from "vitest";
import { Ring } from "../ring.js";
import { area, areaPaths, translucent } from "./area.js";
import { drawn, f64, pens, plot, styled, Y } from "./testing.js";

describe("areaPaths", () => {
  it("strokes the line and fills down to y = 0, closing the polygon at the baseline", () => {
    const { made, newPen } = pens();
    const u = plot([[f64(0, 1, 2), f64(2, 6, 4)]], { min: 0, max: 2 }, { min: 0, max: 10 });
    const paths = areaPaths(u, 1, Y, null, newPen);
    expect(made).toHaveLength(2);
    expect(paths?.stroke.ops).toEqual([
      ["M", 0, 80],
      ["L", 50, 40],
      ["L", 100, 60],
    ]);
    expect(paths?.fill.ops).toEqual([
      ["M", 0, 80],
      ["L", 50, 40],
      ["L", 100, 60],
      ["L", 100, 100],
      ["L", 0, 100],
      ["Z"],
    ]);
    expect({ ...paths, stroke: "a pen", fill: "a pen" }).toEqual({
      stroke: "a pen",
      fill: "a pen",
      clip: null,
      band: null,
      flags: 0,
    });
  });

  it("maps values linearly into the plotting box, y upwards, with the baseline at y = 0", () => {
    const { newPen } = pens();
    const u = plot(
      [[f64(0, 5, 10), f64(-10, 5, 10)]],
      { min: 0, max: 10 },
      { min: -10, max: 10 },
      {
        left: 10,
        top: 20,
        width: 100,
        height: 50,
      },
    );
    expect(areaPaths(u, 1, Y, null, newPen)?.fill.ops).toEqual([
      ["M", 10, 70],
      ["L", 60, 32.5],
      ["L", 110, 20],
      ["L", 110, 45],
      ["L", 10, 45],
      ["Z"],
    ]);
  });

  it("closes each run between gaps on its own", () => {
    const { newPen } = pens();
    const u = plot([[f64(0, 1, 2, 3, 4), f64(1, 2, NaN, 4, 5)]], { min: 0, max: 4 }, { min: 0, max: 10 });
    const paths = areaPaths(u, 1, Y, null, newPen);
    expect(paths?.stroke.ops.filter(([op]) => op === "M")).toEqual([
      ["M", 0, 90],
      ["M", 75, 60],
    ]);
    expect(paths?.fill.ops).toEqual([
      ["M", 0, 90],
      ["L", 25, 80],
      ["L", 25, 100],
      ["L", 0, 100],
      ["Z"],
      ["M", 75, 60],
      ["L", 100, 50],
      ["L", 100, 100],
      ["L", 75, 100],
      ["Z"],
    ]);
  });

  it("fills a lone point as its one-pixel stub", () => {
    const { newPen } = pens();
    const u = plot([[f64(0, 1, 2), f64(NaN, 5, NaN)]], { min: 0, max: 2 }, { min: 0, max: 10 });
    expect(areaPaths(u, 1, Y, null, newPen)?.fill.ops).toEqual([
      ["M", 50, 50],
      ["L", 51, 50],
      ["L", 51, 100],
      ["L", 50, 100],
      ["Z"],
    ]);
  });

  it("holds the baseline inside the box: the bottom above 0, the top below", () => {
    const { newPen } = pens();
    const base = (/** @type {number} */ min, /** @type {number} */ max) => {
      const u = plot([[f64(0, 1), f64(min, max)]], { min: 0, max: 1 }, { min, max });
      // The line back along the baseline, before the close.
      return areaPaths(u, 1, Y, null, newPen)?.fill.ops.slice(-2)[0];
    };
    expect(base(5, 10)).toEqual(["L", 0, 100]);
    expect(base(-10, -5)).toEqual(["L", 0, 0]);
  });

  it("maps through the series' own y scale", () => {
    const { newPen } = pens();
    const u = plot([[f64(0, 10), f64(0, 100)]], { min: 0, max: 10 }, { min: 0, max: 10 }, undefined, {
      y2: { min: -200, max: 200 },
    });
    expect(areaPaths(u, 1, { scale: "y2", log: false }, null, newPen)?.fill.ops).toEqual([
      ["M", 0, 50],
      ["L", 100, 25],
      ["L", 100, 50],
      ["L", 0, 50],
      ["Z"],
    ]);
  });

  it("maps a log scale by the logarithm of the value, and fills down to the bottom", () => {
    const { newPen } = pens();
    const u = plot([[f64(0, 1, 2), f64(1, 10, 100)]], { min: 0, max: 2 }, { min: 1, max: 100 });
    expect(areaPaths(u, 1, { scale: "y", log: true }, null, newPen)?.fill.ops).toEqual([
      ["M", 0, 100],
      ["L", 50, 50],
      ["L", 100, 0],
      ["L", 100, 100],
      ["L", 0, 100],
      ["Z"],
    ]);
  });

  it("keeps the pen calls bounded by columns, not points", () => {
    const { newPen } = pens();
    const n = 100_000;
    const xs = Float64Array.from({ length: n }, (_, i) => i);
    const u = plot([[xs, xs.map((x) => Math.sin(x))]], { min: 0, max: n - 1 }, { min: -1, max: 1 });
    const paths = areaPaths(u, 1, Y, null, newPen);
    expect(paths?.stroke.ops.length).toBeLessThanOrEqual(4 * 101);
    expect(paths?.fill.ops.length).toBeLessThanOrEqual(4 * 101 + 3);
  });

  it("draws the same paths from the ring's block summaries as from the points", () => {
    const n = 20_000;
    const ring = new Ring(n);
    const xs = Float64Array.from({ length: n }, (_, i) => i);
    ring.append(
      xs,
      xs.map((x) => (x % 5000 === 77 ? NaN : Math.sin(x / 300) * 50 + (x % 7))),
    );
    const u = plot(
      [[ring.xs(), ring.ys()]],
      { min: 0, max: n - 1 },
      { min: -60, max: 60 },
      {
        left: 0,
        top: 0,
        width: 200,
        height: 100,
      },
    );
    let asked = 0;
    /** @type {import("../trace.js").Summarise} */
    const summarise = (from, to, out) => {
      asked += 1;
      return ring.summary(from, to, out);
    };
    const walked = areaPaths(u, 1, Y, null, pens().newPen);
    const summarised = areaPaths(u, 1, Y, summarise, pens().newPen);
    expect(summarised?.stroke.ops).toEqual(walked?.stroke.ops);
    expect(summarised?.fill.ops).toEqual(walked?.fill.ops);
    expect(asked).toBeGreaterThan(0);
  });

  it("draws nothing, and makes no path, before the scales are set or for an empty series", () => {
    const { made, newPen } = pens();
    const pair = /** @type {[Float64Array, Float64Array]} */ ([f64(0, 1), f64(0, 1)]);
    const set = { min: 0, max: 1 };
    expect(areaPaths(plot([pair], {}, set), 1, Y, null, newPen)).toBeNull();
    expect(areaPaths(plot([pair], set, { max: 1 }), 1, Y, null, newPen)).toBeNull();
    expect(areaPaths(plot([[f64(), f64()]], set, set), 1, Y, null, newPen)).toBeNull();
    expect(made).toHaveLength(0);
  });
});

describe("translucent", () => {
  it("gives a hex colour a quarter of its opacity, and mixes any other colour with transparency", () => {
    expect(translucent("#abcdef")).toBe("#abcdef40");
    expect(translucent("#ABCDEF")).toBe("#ABCDEF40");
    expect(translucent("red")).toBe("color-mix(in srgb, red 25%, transparent)");
    expect(translucent("#abc")).toBe("color-mix(in srgb, #abc 25%, transparent)");
  });
});

describe("area", () => {
  it("strokes in the series' colour and style and fills in its tint, without point markers", () => {
    const options = area.series(styled({ color: "#abcdef", width: 2, dash: [3, 3] }), () => null);
    expect(options.stroke).toBe("#abcdef");
    expect(options.fill).toBe("#abcdef40");
    expect(options.width).toBe(2);
    expect(options.dash).toEqual([3, 3]);
    expect(options.points).toEqual({ show: false });
  });

  it("draws on the series' scale with its summaries", () => {
    /** @type {number[]} */
    const asked = [];
    const options = area.series(styled({ scale: "y2" }), (si) => {
      asked.push(si);
      return null;
    });
    const u = plot([[f64(0, 1), f64(0.5, 0.5)]], { min: 0, max: 1 }, { min: 0, max: 10 }, undefined, {
      y2: { min: -1, max: 1 },
    });
    const paths = drawn(options, u, 1);
    expect(paths?.stroke?.ops).toEqual([
      ["M", 0, 25],
      ["L", 100, 25],
    ]);
    expect(paths?.fill?.ops.slice(-2)[0]).toEqual(["L", 0, 50]);
    expect(asked).toEqual([1]);
  });
});
