import { describe, expect, it } from "vitest";
import { Chart, seriesStyle } from "./chart.js";

describe("Chart", () => {
  it("refuses a kind it does not know before it touches the page", () => {
    // No page here: the chart must fail on the kind before it reads its parent element.
    const parent = /** @type {HTMLElement} */ (/** @type {unknown} */ (null));
    /** @type {import("./chart.js").ChartOptions} */
    const opts = {
      kind: "pie",
      isTime: false,
      xLabel: "",
      yLabel: "",
      width: 100,
      height: 100,
      theme: () => ({ axis: "#000", grid: "#ccc", font: "11px sans-serif" }),
      onZoom: () => {},
      onFollow: () => {},
      onHover: () => {},
    };
    expect(() => new Chart(parent, [{ id: 0, name: "s", color: "#000" }], opts)).toThrow(
      /^unknown chart kind "pie": known kinds are line, step, scatter, area, bars, candles$/,
    );
  });

  it("draws a series one pixel wide unless its style gives a width", () => {
    const plain = seriesStyle({ id: 0, name: "s", color: "#000" }, false);
    expect(plain.width).toBe(1);
    expect(plain.dash).toEqual([]);
    expect(plain.scale).toBe("y");
    const wide = seriesStyle({ id: 0, name: "s", color: "#000", width: 3 }, true);
    expect(wide.width).toBe(3);
    expect(wide.log).toBe(true);
  });
});
