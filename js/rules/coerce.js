// @ts-check

/**
 * Values to numbers, and x values to a number or time axis: the same rules as
 * the kernel's (src/livefeed/_core/coerce.py), proven on the shared test
 * vectors (tests/vectors/messages.json). JSON values only: the kernel's rules
 * for Python objects (datetimes, numpy scalars) have no counterpart here.
 */

export const NOT_A_NUMBER = "not_a_number";
export const NULL_VALUE = "null_value";
export const NON_FINITE = "non_finite";
export const BAD_TIME = "bad_time";

/** The largest magnitude of a time, in ms from 1970: what a JavaScript Date can hold. */
export const TIME_LIMIT_MS = 8.64e15;

/** A value that cannot be drawn as given; `gap`: drawn as a gap rather than dropped. */
export class ValueProblem extends Error {
  /**
   * @param {string} kind one of the error kinds above
   * @param {string} message
   * @param {boolean} [gap]
   */
  constructor(kind, message, gap = false) {
    super(message);
    this.kind = kind;
    this.gap = gap;
  }
}

/**
 * A short, readable excerpt of a value for messages.
 * @param {unknown} value
 */
export function excerpt(value, limit = 40) {
  let text;
  try {
    text = typeof value === "string" ? `'${value}'` : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

// What Python's float() reads: digits with single underscores between them, an
// optional fraction and exponent, or inf, infinity and nan in any case; a sign,
// and whitespace around.
const DIGITS = "[0-9](?:_?[0-9])*";
const FLOAT_TEXT = new RegExp(
  `^[+-]?(?:(?:${DIGITS}(?:\\.(?:${DIGITS})?)?|\\.${DIGITS})(?:[eE][+-]?${DIGITS})?|inf(?:inity)?|nan)$`,
  "i",
);

/**
 * The number a text spells as Python's float() reads it ("101.50", " 1e3 ",
 * "1_000", "nan", "-Infinity"); null when it spells none. JavaScript's Number()
 * differs: it reads "" as 0, "0x10" as 16, and refuses "1_000" and "inf".
 * @param {string} text
 * @returns {number | null}
 */
export function parseFloatText(text) {
  const t = text.trim();
  if (!FLOAT_TEXT.test(t)) return null;
  const lower = t.toLowerCase();
  const sign = lower.startsWith("-") ? -1 : 1;
  const bare = lower.replace(/^[+-]/, "");
  if (bare === "nan") return Number.NaN;
  if (bare === "inf" || bare === "infinity") return sign * Number.POSITIVE_INFINITY;
  return Number(t.replace(/_/g, ""));
}

/**
 * `value` as a finite number. Numbers and booleans (0 and 1) pass; strings that
 * spell a number are read (see parseFloatText). Throws a ValueProblem with
 * `gap` for null, NaN and infinities, without for anything else.
 * @param {unknown} value
 * @returns {number}
 */
export function toNumber(value) {
  let number;
  if (typeof value === "number") number = value;
  else if (typeof value === "boolean") number = value ? 1 : 0;
  else if (typeof value === "string") {
    const parsed = parseFloatText(value);
    if (parsed === null) throw new ValueProblem(NOT_A_NUMBER, `${excerpt(value)} is not a number`);
    number = parsed;
  } else if (value === null) {
    throw new ValueProblem(NULL_VALUE, "null value (drawn as a gap)", true);
  } else {
    throw new ValueProblem(NOT_A_NUMBER, `${excerpt(value)} is not a number`);
  }
  if (!Number.isFinite(number)) {
    throw new ValueProblem(NON_FINITE, `${excerpt(value)} is not finite (drawn as a gap)`, true);
  }
  return number;
}

// Magnitudes of epoch timestamps today, per unit, and the factor that turns each into ms.
/** @type {ReadonlyArray<[number, number, number]>} */
const EPOCH_UNITS = [
  [1e8, 1e10, 1e3], // seconds
  [1e11, 1e13, 1], // milliseconds
  [1e14, 1e16, 1e-3], // microseconds
  [1e17, 1e19, 1e-6], // nanoseconds
];

/**
 * The factor turning `number` into epoch milliseconds; null if it does not look like a time.
 * @param {number} number
 */
export function epochFactor(number) {
  const magnitude = Math.abs(number);
  for (const [low, high, factor] of EPOCH_UNITS) {
    if (low <= magnitude && magnitude < high) return factor;
  }
  return null;
}

// ISO-8601 as feeds send it: a date, optionally a time with 1 to 9 fractional
// digits, optionally Z or an offset (+01:00, +0100, +01).
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)? ?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;

/** @param {number} year @param {number} month 1 to 12 */
function daysIn(year, month) {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/**
 * Epoch milliseconds of an ISO-8601 string; a time without a zone is UTC.
 * Fractions are kept to the microsecond. Throws a `bad_time` ValueProblem.
 * @param {string} text
 */
export function parseIso(text) {
  const refuse = () => new ValueProblem(BAD_TIME, `${excerpt(text)} is neither a number nor an ISO-8601 time`);
  const m = ISO.exec(text.trim());
  if (!m) throw refuse();
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0));
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) throw refuse();
  if (hour > 23 || minute > 59 || second > 59) throw refuse();
  const micro = m[7] ? Number(m[7].slice(0, 6).padEnd(6, "0")) : 0;
  // Date.UTC reads years 0 to 99 as 1900 to 1999: set the year apart.
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  date.setUTCFullYear(year);
  let ms = date.getTime();
  if (m[9]) {
    const hours = Number(m[10]);
    const minutes = Number(m[11] ?? 0);
    if (hours > 23 || minutes > 59) throw refuse();
    const offset = (hours * 60 + minutes) * 60_000;
    ms = m[9] === "+" ? ms - offset : ms + offset;
  }
  return ms + micro / 1000;
}

/** @typedef {"auto" | "time" | "number"} XKind */

/**
 * Converts x values, deciding once what the axis is (the kernel's XAxis).
 *
 * With kind "auto" the first x value decides: an ISO-8601 string or a number in
 * the range of epoch seconds, milliseconds, microseconds or nanoseconds makes a
 * time axis (values become epoch milliseconds, that unit kept for every later
 * number); anything else a number axis. A numeric axis refuses times
 * (`not_a_number`); a time axis refuses times beyond ±TIME_LIMIT_MS (`bad_time`).
 */
export class XAxis {
  /** @param {XKind} [kind] */
  constructor(kind = "auto") {
    /** @type {XKind} */
    this.kind = kind;
    /** @type {number | null} what numbers are multiplied by, once decided */
    this.factor = null;
  }

  get limit() {
    return this.kind === "time" ? TIME_LIMIT_MS : Number.MAX_VALUE;
  }

  /**
   * The x value as a number (epoch ms on a time axis). Throws a ValueProblem:
   * an x without a usable value is never a gap, always dropped.
   * @param {unknown} value
   * @returns {number}
   */
  convert(value) {
    let number;
    if (typeof value === "number") number = value;
    else if (typeof value === "string") {
      const parsed = parseFloatText(value);
      if (parsed === null) return this._timeText(value);
      number = parsed;
    } else if (value === null) {
      throw new ValueProblem(NULL_VALUE, "x is null: the point is dropped");
    } else {
      try {
        number = toNumber(value);
      } catch (error) {
        if (!(error instanceof ValueProblem)) throw error;
        throw new ValueProblem(error.kind, `x: ${error.message}`);
      }
    }
    if (this.factor === null) {
      if (!Number.isFinite(number)) throw new ValueProblem(NON_FINITE, `x ${excerpt(value)} is not finite`);
      this._decide(number);
    }
    const result = number * /** @type {number} */ (this.factor);
    const limit = this.limit;
    if (-limit <= result && result <= limit) return result;
    if (!Number.isFinite(number)) throw new ValueProblem(NON_FINITE, `x ${excerpt(value)} is not finite`);
    throw new ValueProblem(BAD_TIME, `x ${excerpt(value)} is outside the dates a chart can show`);
  }

  /** @param {string} text */
  _timeText(text) {
    if (this.kind === "number") {
      throw new ValueProblem(NOT_A_NUMBER, `x ${excerpt(text)} is not a number on a numeric axis`);
    }
    const ms = parseIso(text);
    this.kind = "time";
    if (-TIME_LIMIT_MS <= ms && ms <= TIME_LIMIT_MS) return ms;
    throw new ValueProblem(BAD_TIME, `x ${excerpt(text)} is outside the dates a chart can show`);
  }

  /** @param {number} number finite */
  _decide(number) {
    const guessed = epochFactor(number);
    if (this.kind === "auto") this.kind = guessed === null ? "number" : "time";
    // A time axis given numbers of no known magnitude takes them as milliseconds.
    this.factor = this.kind === "number" ? 1 : (guessed ?? 1);
  }
}
