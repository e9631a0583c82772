import { describe, expect, it } from "vitest";
import vectors from "../../tests/vectors/messages.json" with { type: "json" };
import { decoderFor, Extractor } from "./extract.js";

/**
 * The shared message rules, page side: each case of tests/vectors/messages.json
 * read as a page reading a feed itself reads it, compared with what the case
 * says the chart holds. The kernel's reading of the same file is tests/test_vectors.py.
 */

/** @param {string | {hex: string}} frame */
function frameOf(frame) {
  if (typeof frame === "string") return frame;
  const hex = frame.hex.replace(/\s+/g, "");
  return Uint8Array.from(hex.match(/../g) ?? [], (byte) => Number.parseInt(byte, 16));
}

/**
 * Each series' name and its points by x (stable: equal x in arrival order), y null for a gap.
 * @param {Extractor} extractor
 * @param {import("./extract.js").Point[]} points
 */
function held(extractor, points) {
  return extractor.names.map((name, k) => [
    name,
    points
      .filter((p) => p.series === k)
      .sort((a, b) => a.x - b.x)
      .map((p) => [p.x, Number.isNaN(p.y) ? null : p.y]),
  ]);
}

describe("the shared message vectors", () => {
  for (const c of vectors.cases) {
    it(c.name, () => {
      const spec = /** @type {Record<string, any>} */ (c.spec);
      const extractor = new Extractor({ x: spec.x, y: spec.y, groupBy: spec.group_by, xType: spec.x_type });
      const decode = decoderFor(/** @type {Record<string, any>} */ (c).decode ?? "json");
      /** @type {import("./extract.js").Point[]} */
      const points = [];
      c.frames.forEach((frame, i) => {
        points.push(...extractor.take(decode(frameOf(frame)), vectors.now + i));
      });
      expect(extractor.xAxis.kind).toBe(c.x_kind);
      expect(held(extractor, points)).toEqual(c.series);
      expect(extractor.errorKinds).toEqual(c.errors);
    });
  }
});
