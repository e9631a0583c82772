import { describe, expect, it } from "vitest";
import { parseFloatText, parseIso } from "./coerce.js";
import { NdjsonDecoder, parseJson } from "./decode.js";
import { decoderFor } from "./extract.js";
import { compilePath, MISSING } from "./fields.js";

// What the shared vectors (vectors.test.js) do not reach: the page's own edges.

describe("parseJson", () => {
  it("reads NaN and infinities outside strings, and leaves strings that spell them alone", () => {
    const value = /** @type {any} */ (parseJson('{"a": NaN, "b": -Infinity, "c": "NaN", "d": [Infinity]}'));
    expect(value.a).toBeNaN();
    expect(value.b).toBe(Number.NEGATIVE_INFINITY);
    expect(value.c).toBe("NaN");
    expect(value.d).toEqual([Number.POSITIVE_INFINITY]);
    expect(() => parseJson("{NaN: 1}")).toThrow(SyntaxError);
  });
});

describe("parseFloatText", () => {
  it("reads what Python's float() reads, and nothing JavaScript's Number() adds", () => {
    expect(parseFloatText("1_000.5")).toBe(1000.5);
    expect(parseFloatText(" -Infinity ")).toBe(Number.NEGATIVE_INFINITY);
    for (const text of ["", " ", "0x10", "0b1", "1e", "_1", "1_", "Infinityx", "1 2"]) {
      expect(parseFloatText(text), text).toBeNull();
    }
  });
});

describe("parseIso", () => {
  it("places years before 100 in their own century", () => {
    expect(new Date(parseIso("0050-01-01T10:00Z")).toISOString()).toBe("0050-01-01T10:00:00.000Z");
    expect(new Date(parseIso("9999-12-31T23:59:59.999+00:00")).toISOString()).toBe("9999-12-31T23:59:59.999Z");
  });
});

describe("NdjsonDecoder", () => {
  it("joins a UTF-8 character cut in two by a binary frame's end", () => {
    const bytes = new TextEncoder().encode('{"name": "é", "v": 1}\n');
    const cut = bytes.indexOf(0xc3) + 1; // between the two bytes of é
    const decoder = new NdjsonDecoder();
    expect(decoder.decode(bytes.slice(0, cut))).toEqual({ records: [], problems: [] });
    expect(decoder.decode(bytes.slice(cut)).records).toEqual([{ name: "é", v: 1 }]);
  });

  it("skips a line longer than it keeps, counted once, and reads the next one", () => {
    const decoder = new NdjsonDecoder(10);
    expect(decoder.decode('{"a": "0123456789').problems.map((p) => p.kind)).toEqual(["too_large"]);
    expect(decoder.decode('still the same line"}\n{"b": 2}\n')).toEqual({ records: [{ b: 2 }], problems: [] });
  });
});

describe("compilePath and decoderFor", () => {
  it("finds only a record's own fields", () => {
    expect(compilePath("constructor")({})).toBe(MISSING);
    expect(compilePath("a.toString")({ a: {} })).toBe(MISSING);
  });

  it("refuses a decoder a page does not have", () => {
    expect(() => decoderFor("msgpack")).toThrow(/json/);
  });
});
