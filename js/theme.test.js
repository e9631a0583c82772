import { describe, expect, it } from "vitest";
import { PALETTE, seriesColor, withAlpha } from "./theme.js";

describe("seriesColor", () => {
  it("gives each id a stable palette colour, cycling", () => {
    expect(seriesColor(0)).toBe(PALETTE[0]);
    expect(seriesColor(3)).toBe(PALETTE[3]);
    expect(seriesColor(PALETTE.length + 2)).toBe(PALETTE[2]);
  });
  it("has distinct colours", () => {
    expect(new Set(PALETTE).size).toBe(PALETTE.length);
  });
});

describe("withAlpha", () => {
  it("sets the alpha of rgb() and rgba() colours", () => {
    expect(withAlpha("rgb(10, 20, 30)", 0.15)).toBe("rgba(10, 20, 30, 0.15)");
    expect(withAlpha("rgba(255, 255, 255, 0.87)", 0.2)).toBe("rgba(255, 255, 255, 0.2)");
  });
  it("leaves other colour syntaxes alone", () => {
    expect(withAlpha("#abcdef", 0.5)).toBe("#abcdef");
  });
});
