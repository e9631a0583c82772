import { describe, expect, it } from "vitest";
import { legendValues } from "./legend.js";

/** @param {number[]} v */
const f64 = (...v) => Float64Array.from(v);
/**
 * @param {number[]} xs
 * @param {number[]} ys
 */
const s = (xs, ys) => ({ id: 0, name: "s", color: "#000", xs: f64(...xs), ys: f64(...ys) });

describe("legendValues", () => {
  const a = s([0, 10, 20], [1, 2, 3]);
  const b = s([5, 15], [50, 150]);
  const empty = s([], []);

  it("shows the latest values when not hovering", () => {
    expect(legendValues([a, b], null)).toEqual([3, 150]);
  });

  it("shows each series' value nearest to the cursor's x", () => {
    expect(legendValues([a, b], 11)).toEqual([2, 150]);
    expect(legendValues([a, b], 4)).toEqual([1, 50]);
  });

  it("gives NaN for an empty series", () => {
    const [v] = legendValues([empty], 3);
    expect(v).toBeNaN();
    expect(legendValues([empty], null)[0]).toBeNaN();
  });
});
