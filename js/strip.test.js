import { describe, expect, it } from "vitest";
import { MAX_DRIFT_PX, planLayer } from "./strip.js";

// x 0..50 over 500 px; y 0..100 over 200 px.
/** @type {Record<string, [number, number]>} */
const Y = { y: [0, 100] };
const held = { key: "k", width: 500, height: 200, origin: 0, kx: 10, ys: { y: { top: 100, ky: 2 } } };
/** planLayer over the held layer's size. */
const plan = (
  /** @type {import("./strip.js").LayerFrame | null} */ from,
  /** @type {number} */ min,
  /** @type {number} */ max,
  yRanges = Y,
  key = "k",
) => planLayer(from, key, min, max, 500, 200, yRanges);

describe("planLayer", () => {
  it("draws in full when nothing is held, or the key or size changed", () => {
    expect(plan(null, 0, 50)).toEqual({ full: true, shift: 0, frame: held });
    expect(plan(held, 0, 50, Y, "other").full).toBe(true);
    expect(planLayer(held, "k", 0, 50, 400, 200, Y).full).toBe(true);
    expect(planLayer(held, "k", 0, 50, 500, 199, Y).full).toBe(true);
  });

  it("moves the layer by whole pixels as the range follows new points", () => {
    const moved = plan(held, 1.23, 51.23);
    expect(moved.full).toBe(false);
    expect(moved.shift).toBe(12);
    // The layer's x origin moved by the pixels it moved, not by the range's exact step.
    expect(moved.frame).toEqual({ ...held, origin: 1.2 });
    // The next step starts from where the layer is: the part of a pixel left over counts.
    expect(plan(moved.frame, 1.27, 51.27).shift).toBe(1);
  });

  it("keeps the layer's mapping while slowly changing ranges stay within the drift allowed", () => {
    // An x span 0.1% wider: 0.5 px off at the far edge, with no rounding.
    const near = plan(held, 1, 51.05);
    expect(near.full).toBe(false);
    expect(near.frame.kx).toBe(10);
    // 1% wider: 5 px off at the far edge.
    expect(plan(held, 1, 51.5).full).toBe(true);
    // A y range 0.2 higher: 0.4 px; 1 higher: 2 px.
    expect(plan(held, 0, 50, { y: [0.2, 100.2] })).toEqual({ full: false, shift: 0, frame: held });
    expect(plan(held, 0, 50, { y: [1, 101] }).full).toBe(true);
    // Half a pixel of x and half of y: at the limit. A little more: over it.
    expect(plan(held, 0.05, 50.05, { y: [0.25, 100.25] }).full).toBe(false);
    expect(plan(held, 0.05, 50.05, { y: [0.3, 100.3] }).full).toBe(true);
    expect(MAX_DRIFT_PX).toBe(1);
  });

  it("draws in full for a y scale it does not hold, or ranges with no extent", () => {
    expect(plan(held, 0, 50, { ...Y, y2: [0, 1] }).full).toBe(true);
    expect(plan(held, 0, 50, { y: [5, 5] }).full).toBe(true);
    expect(plan(held, 3, 3).full).toBe(true);
  });

  it("draws in full when the range moves back, or further than the layer is wide", () => {
    expect(plan(held, -1, 49).full).toBe(true);
    expect(plan(held, 50, 100).full).toBe(true);
  });
});
