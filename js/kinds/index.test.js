import { describe, expect, it } from "vitest";
import { chartKind, DEFAULT_KIND, kindNames } from "./index.js";
import { line } from "./line.js";

describe("chartKind", () => {
  it("draws lines unless told otherwise", () => {
    expect(DEFAULT_KIND).toBe("line");
    expect(chartKind()).toBe(line);
    expect(chartKind("line")).toBe(line);
  });

  it("refuses an unknown kind, naming the kinds there are", () => {
    expect(() => chartKind("pie")).toThrow(/^unknown chart kind "pie": known kinds are line$/);
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
      const options = kind.series({ id: 0, name: "s", color: "#123456" }, () => null);
      expect(typeof options.paths, name).toBe("function");
    }
  });
});
