/** @import uPlot from "uplot" */
import { describe, expect, it } from "vitest";
import { chartKind, DEFAULT_KIND, kindNames } from "./index.js";
import { line } from "./line.js";
import { f64, plot, styled } from "./testing.js";

describe("chartKind", () => {
  it("draws lines unless told otherwise", () => {
    expect(DEFAULT_KIND).toBe("line");
    expect(chartKind()).toBe(line);
    expect(chartKind("line")).toBe(line);
  });

  it("refuses an unknown kind, naming the kinds there are", () => {
    expect(() => chartKind("pie")).toThrow(
      /^unknown chart kind "pie": known kinds are line, step, scatter, area, bars, candles$/,
    );
    expect(() => chartKind("")).toThrow(/unknown chart kind ""/);
    expect(() => chartKind("Line")).toThrow(/unknown chart kind "Line"/);
  });

  it("does not take the names every object has for kinds", () => {
    for (const name of ["toString", "constructor", "__proto__", "hasOwnProperty"]) {
      expect(() => chartKind(name), name).toThrow(/unknown chart kind/);
    }
  });

  it("lists every kind under its own name, each giving series options with a paths builder", () => {
    expect(kindNames()).toContain(DEFAULT_KIND);
    for (const name of kindNames()) {
      const kind = chartKind(name);
      expect(kind.name).toBe(name);
      const options = kind.series(styled(), () => null);
      expect(typeof options.paths, name).toBe("function");
      expect(options.stroke, name).toBe("#123456");
      expect(options.points, name).toEqual({ show: false });
    }
  });

  it("has the kinds in a stable order, line first", () => {
    expect(kindNames()).toEqual(["line", "step", "scatter", "area", "bars", "candles"]);
  });

  it("gives every kind's builder nothing to draw, and no path to make, for an empty series", () => {
    const u = plot([[f64(), f64()]], { min: 0, max: 1 }, { min: 0, max: 1 });
    for (const name of kindNames()) {
      const options = chartKind(name).series(styled(), () => null);
      const paths = /** @type {NonNullable<typeof options.paths>} */ (options.paths);
      expect(paths(/** @type {uPlot} */ (/** @type {unknown} */ (u)), 1, 0, 0), name).toBeNull();
    }
  });
});
