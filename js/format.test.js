import { describe, expect, it } from "vitest";
import { formatCount, formatRate, formatSeconds, formatValue, formatX, pngName, zonedDate } from "./format.js";

describe("formatValue", () => {
  it("keeps six significant digits", () => {
    expect(formatValue(1.23456789)).toBe("1.23457");
    expect(formatValue(123456.7)).toBe("123457");
    expect(formatValue(-0.5)).toBe("-0.5");
    expect(formatValue(42)).toBe("42");
    expect(formatValue(0)).toBe("0");
  });
  it("uses exponents for extreme magnitudes", () => {
    expect(formatValue(1.5e12)).toBe("1.500e+12");
    expect(formatValue(0.0000123)).toBe("1.230e-5");
  });
  it("shows gaps and missing values as a dash", () => {
    expect(formatValue(NaN)).toBe("–");
    expect(formatValue(null)).toBe("–");
    expect(formatValue(Infinity)).toBe("∞");
  });
});

describe("formatX", () => {
  it("formats epoch milliseconds as local date and time", () => {
    const t = new Date(2024, 2, 5, 7, 8, 9, 45).getTime();
    expect(formatX(t, true)).toBe("2024-03-05 07:08:09.045");
  });
  it("formats plain numbers like values", () => {
    expect(formatX(12.5, false)).toBe("12.5");
  });
});

describe("counts, rates and seconds", () => {
  it("groups thousands", () => {
    expect(formatCount(1234567)).toBe("1,234,567");
    expect(formatCount(12)).toBe("12");
    expect(formatCount(undefined)).toBe("0");
  });
  it("formats rates", () => {
    expect(formatRate(0)).toBe("0 msg/s");
    expect(formatRate(2.345)).toBe("2.3 msg/s");
    expect(formatRate(29.7)).toBe("30 msg/s");
    expect(formatRate(null)).toBe("0 msg/s");
  });
  it("rounds seconds up", () => {
    expect(formatSeconds(2.1)).toBe("3 s");
    expect(formatSeconds(0)).toBe("1 s");
  });
});

describe("pngName", () => {
  it("makes a file name of a title, and names an untitled chart", () => {
    expect(pngName("Sensor temperatures")).toBe("Sensor-temperatures");
    expect(pngName("  BTC/USD: last 10 min  ")).toBe("BTC-USD-last-10-min");
    expect(pngName("Température é")).toBe("Température-é");
    expect(pngName("")).toBe("livefeed");
    expect(pngName("///")).toBe("livefeed");
    expect(pngName("x".repeat(200)).length).toBe(80);
  });
});

describe("zonedDate and formatX in a zone", () => {
  // 2026-12-01 23:30:05.250 UTC
  const ms = Date.UTC(2026, 11, 1, 23, 30, 5, 250);

  it("reads the wall time of the zone asked for", () => {
    expect(formatX(ms, true, "UTC")).toBe("2026-12-01 23:30:05.250");
    expect(formatX(ms, true, "Asia/Tokyo")).toBe("2026-12-02 08:30:05.250");
    expect(formatX(ms, true, "America/New_York")).toBe("2026-12-01 18:30:05.250");
    // Summer time in New York: four hours behind, not five.
    expect(formatX(Date.UTC(2026, 6, 1, 12, 0, 0, 0), true, "America/New_York")).toBe("2026-07-01 08:00:00.000");
  });

  it("gives the browser's own time for local", () => {
    const d = new Date(ms);
    expect(zonedDate(ms, "local").getHours()).toBe(d.getHours());
    expect(zonedDate(ms).getTime()).toBe(ms);
  });

  it("keeps the milliseconds of times before 1970", () => {
    expect(formatX(-1, true, "UTC")).toBe("1969-12-31 23:59:59.999");
  });
});
