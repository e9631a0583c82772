import { describe, expect, it } from "vitest";
import { legendTexts, legendValues } from "./legend.js";

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

describe("legendTexts", () => {
  it("gives a candle series' open, high, low and close at the hovered bar", () => {
    const candle = {
      id: 0,
      name: "ACME",
      color: "#000",
      xs: f64(0, 60000),
      ys: f64(101.5, 99),
      extra: [f64(100, 101.5), f64(102, 103), f64(99.5, 98)],
    };
    const line = { id: 1, name: "other", color: "#000", xs: f64(0, 60000), ys: f64(1, 2) };
    expect(legendTexts([candle, line], 10)).toEqual(["O 100 H 102 L 99.5 C 101.5", "1"]);
    expect(legendTexts([candle, line], null)).toEqual(["O 101.5 H 103 L 98 C 99", "2"]);
    expect(legendTexts([{ ...candle, xs: f64(), ys: f64(), extra: [f64(), f64(), f64()] }], null)).toEqual(["–"]);
  });
});
