// @ts-check
import { excerpt, toNumber, ValueProblem, XAxis } from "./coerce.js";
import { decodeJson, NdjsonDecoder } from "./decode.js";
import { compilePath, isObject, MISSING } from "./fields.js";

/**
 * Records to points: what the kernel's pipeline reads from each record
 * (src/livefeed/_core/pipeline.py), for a page that reads a feed itself. The
 * x field (or the arrival time), the y fields and the group_by field; one
 * series per y field, or per group value (and y field). What cannot be read is
 * counted by kind, as the kernel counts it; the points are handed out in
 * arrival order, to be kept by the page's rings.
 */

export const MISSING_FIELD = "missing_field";

/** Characters of a series name kept for the legend. */
const LABEL_LIMIT = 200;

/**
 * @typedef {{x?: string | null, y: string[], groupBy?: string | null, xType?: import("./coerce.js").XKind}} Spec
 * @typedef {{series: number, x: number, y: number}} Point y NaN for a gap
 */

export class Extractor {
  /** @param {Spec} spec */
  constructor(spec) {
    if (!spec.y.length) throw new Error("y must name at least one field");
    this.spec = spec;
    this._x = spec.x ? compilePath(spec.x) : null;
    this._group = spec.groupBy ? compilePath(spec.groupBy) : null;
    this._ys = spec.y.map((name) => /** @type {const} */ ([name, compilePath(name)]));
    this.xAxis = new XAxis(spec.x ? (spec.xType ?? "auto") : "time");
    /** @type {string[]} series names, in the order the series appeared */
    this.names = [];
    /** @type {Map<string, number>} series id by group and y field */
    this._ids = new Map();
    /** @type {Record<string, number>} problems counted, by kind */
    this.errorKinds = {};
    this.lastError = "";
    this.messages = 0;
  }

  /**
   * Counts a problem and makes it the last error shown.
   * @param {string} kind
   * @param {string} message
   */
  note(kind, message) {
    this.errorKinds[kind] = (this.errorKinds[kind] ?? 0) + 1;
    this.lastError = message;
  }

  /**
   * The points of what a decoder read in one frame (one message), its problems counted.
   * @param {import("./decode.js").Decoded} decoded
   * @param {number} nowMs the arrival time: the x when the spec has no x field
   * @returns {Point[]}
   */
  take({ records, problems }, nowMs) {
    this.messages += 1;
    for (const problem of problems) this.note(problem.kind, problem.message);
    /** @type {Point[]} */
    const points = [];
    for (const record of records) this._record(record, nowMs, points);
    return points;
  }

  /**
   * @param {Record<string, unknown>} record
   * @param {number} nowMs
   * @param {Point[]} points
   */
  _record(record, nowMs, points) {
    let x = nowMs;
    if (this._x) {
      const raw = this._x(record);
      if (raw === MISSING) return this._missing(/** @type {string} */ (this.spec.x), record);
      try {
        x = this.xAxis.convert(raw);
      } catch (error) {
        return this._problem(error, "");
      }
    }
    let group = "";
    if (this._group) {
      const raw = this._group(record);
      if (raw === MISSING) return this._missing(/** @type {string} */ (this.spec.groupBy), record);
      group = groupText(raw);
    }
    for (const [name, get] of this._ys) {
      const raw = get(record);
      if (raw === MISSING) {
        this._missing(name, record);
        continue;
      }
      let y;
      try {
        y = toNumber(raw);
      } catch (error) {
        if (!this._problem(error, `${name}: `)) continue;
        y = Number.NaN;
      }
      points.push({ series: this._seriesOf(group, name), x, y });
    }
  }

  /**
   * Counts a ValueProblem; true when the value is a gap (rethrows anything else).
   * @param {unknown} error
   * @param {string} prefix
   */
  _problem(error, prefix) {
    if (!(error instanceof ValueProblem)) throw error;
    this.note(error.kind, prefix + error.message);
    return error.gap;
  }

  /**
   * @param {string} name
   * @param {Record<string, unknown>} record
   */
  _missing(name, record) {
    const fields = Object.keys(record)
      .slice(0, 8)
      .map((key) => (key.length <= 40 ? key : `${key.slice(0, 39)}…`))
      .join(", ");
    this.note(MISSING_FIELD, `missing field '${name}' (the message has: ${fields || "no fields"})`);
  }

  /**
   * @param {string} group
   * @param {string} name
   */
  _seriesOf(group, name) {
    const key = JSON.stringify([group, name]);
    let id = this._ids.get(key);
    if (id === undefined) {
      let label = !this._group ? name : this._ys.length === 1 ? group : `${group} ${name}`;
      const chars = Array.from(label);
      if (chars.length > LABEL_LIMIT) label = `${chars.slice(0, LABEL_LIMIT - 1).join("")}…`;
      id = this.names.length;
      this.names.push(this._unique(label));
      this._ids.set(key, id);
    }
    return id;
  }

  /**
   * `label`, or `label (2)`, `label (3)`...: the first not taken.
   * @param {string} label
   */
  _unique(label) {
    let unique = label;
    for (let suffix = 2; this.names.includes(unique); suffix++) unique = `${label} (${suffix})`;
    return unique;
  }
}

/**
 * The series name part of a group value, as the kernel's str() spells JSON
 * values: text as it is, true and false as True and False, null as None, and
 * numbers as JavaScript spells them (which matches Python's for integers and
 * for fractions such as 1.5; a JSON 1.0 is 1 here and 1.0 in the kernel).
 * Objects and arrays, which Python spells in its own syntax, get JSON here.
 * @param {unknown} value
 */
export function groupText(value) {
  if (typeof value === "string") return value;
  if (value === true) return "True";
  if (value === false) return "False";
  if (value === null) return "None";
  if (typeof value === "number") return pythonNumber(value);
  return isObject(value) || Array.isArray(value) ? excerpt(value, 200) : String(value);
}

/**
 * A number as Python's str() spells a float or int where the two languages
 * can agree: NaN and infinities as nan and inf, exponents with two digits.
 * @param {number} n
 */
function pythonNumber(n) {
  if (Number.isNaN(n)) return "nan";
  if (!Number.isFinite(n)) return n > 0 ? "inf" : "-inf";
  return String(n).replace(/e([+-])(\d)$/, "e$10$2");
}

/**
 * A decoder by name, as the chart's `decode=` names it: "json" (each frame
 * alone) or "ndjson" (the frames of a connection are one stream).
 * @param {string} name
 * @returns {(frame: import("./decode.js").Frame) => import("./decode.js").Decoded}
 */
export function decoderFor(name) {
  if (name === "json") return decodeJson;
  if (name === "ndjson") {
    const decoder = new NdjsonDecoder();
    return (frame) => decoder.decode(frame);
  }
  throw new Error(`a page reads "json" or "ndjson" feeds, not ${JSON.stringify(name)}`);
}
