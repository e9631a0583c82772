import { describe, expect, it } from "vitest";
import { PALETTE, seriesColor, translucent, withAlpha } from "./theme.js";

describe("seriesColor", () => {
  it("gives each id a stable palette colour, cycling", () => {
    expect(seriesColor(0)).toBe(PALETTE[0]);
    expect(seriesColor(3)).toBe(PALETTE[3]);
    expect(seriesColor(PALETTE.length + 2)).toBe(PALETTE[2]);
  });
  it("has twenty distinct colours", () => {
    expect(PALETTE.length).toBe(20);
    expect(new Set(PALETTE).size).toBe(PALETTE.length);
  });
  it("keeps every colour readable on a white and on a near-black background", () => {
    const white = luminance("#ffffff");
    const dark = luminance("#111111");
    for (const color of PALETTE) {
      const l = luminance(color);
      expect(contrast(l, white), `${color} on white`).toBeGreaterThanOrEqual(2.3);
      expect(contrast(l, dark), `${color} on near-black`).toBeGreaterThanOrEqual(2.8);
    }
  });
  it("keeps any two colours apart", () => {
    for (let i = 0; i < PALETTE.length; i++) {
      for (let j = i + 1; j < PALETTE.length; j++) {
        const a = rgb(PALETTE[i]);
        const b = rgb(PALETTE[j]);
        const d = Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
        expect(d, `${PALETTE[i]} and ${PALETTE[j]}`).toBeGreaterThanOrEqual(35);
      }
    }
  });
});

/** @param {string} hex "#rrggbb" */
function rgb(hex) {
  return [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
}

/**
 * Relative luminance (WCAG 2).
 * @param {string} hex
 */
function luminance(hex) {
  const [r, g, b] = rgb(hex).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/**
 * Contrast ratio (WCAG 2) of two luminances.
 * @param {number} a
 * @param {number} b
 */
function contrast(a, b) {
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

describe("withAlpha", () => {
  it("sets the alpha of rgb() and rgba() colours", () => {
    expect(withAlpha("rgb(10, 20, 30)", 0.15)).toBe("rgba(10, 20, 30, 0.15)");
    expect(withAlpha("rgba(255, 255, 255, 0.87)", 0.2)).toBe("rgba(255, 255, 255, 0.2)");
  });
  it("leaves other colour syntaxes alone", () => {
    expect(withAlpha("#abcdef", 0.5)).toBe("#abcdef");
  });
});

describe("translucent", () => {
  it("gives a palette colour an alpha of 0.35 and leaves other colours alone", () => {
    expect(translucent("#1f77b4")).toBe("#1f77b459");
    expect(0x59 / 255).toBeCloseTo(0.35, 2);
    expect(translucent("crimson")).toBe("crimson");
    expect(translucent("#abc")).toBe("#abc");
  });
});
