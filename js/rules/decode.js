// @ts-check
import { isObject } from "./fields.js";

/**
 * Frames to records: the "json" and "ndjson" decoders with the same rules as
 * the kernel's (src/livefeed/_core/decode.py), proven on the shared test
 * vectors (tests/vectors/messages.json).
 */

export const NOT_JSON = "not_json";
export const NOT_AN_OBJECT = "not_an_object";
export const BINARY_FRAME = "binary_frame";
export const TOO_LARGE = "too_large";

/** The longest line the "ndjson" decoder keeps waiting for its end (the kernel's MAX_LINE). */
export const MAX_LINE = 64 * 2 ** 20;

/**
 * @typedef {Record<string, unknown>} JsonRecord
 * @typedef {{kind: string, message: string}} Problem
 * @typedef {string | ArrayBuffer | Uint8Array} Frame a text frame, or a binary one
 * @typedef {{records: JsonRecord[], problems: Problem[]}} Decoded
 */

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * A binary frame's text, or null when it is not UTF-8.
 * @param {ArrayBuffer | Uint8Array} frame
 */
function utf8(frame) {
  try {
    return UTF8.decode(frame);
  } catch {
    return null;
  }
}

/** @param {ArrayBuffer | Uint8Array} frame */
function byteLength(frame) {
  return frame.byteLength;
}

/** @param {string} text */
function excerpt(text, limit = 60) {
  const t = text.slice(0, limit * 4).trim();
  return JSON.stringify(t.length <= limit ? t : `${t.slice(0, limit - 1)}…`);
}

// JSON as Python reads it also has NaN, Infinity and -Infinity (many feeds send
// them). They are read by spelling them, outside strings, as strings no feed
// sends, turned back into numbers as the value is built.
const SPELLED = "\u0000livefeed:";
const SPELLED_IN_JSON = "\\u0000livefeed:"; // the same, escaped: JSON strings hold no raw U+0000
const WORDS = /"(?:[^"\\]|\\.)*"|-?Infinity|NaN/g;
/** @type {Record<string, number>} */
const NUMBERS = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, "-Infinity": Number.NEGATIVE_INFINITY };

/**
 * The JSON value of `text`, as Python's json module reads it. Throws a
 * SyntaxError when there is none.
 * @param {string} text
 * @returns {unknown}
 */
export function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch (error) {
    if (!/NaN|Infinity/.test(text)) throw error;
  }
  const spelled = text.replace(WORDS, (token) => (token[0] === '"' ? token : `"${SPELLED_IN_JSON}${token}"`));
  return JSON.parse(spelled, (key, value) => {
    if (key.startsWith(SPELLED)) throw new SyntaxError(`${key.slice(SPELLED.length)} cannot be a key`);
    return typeof value === "string" && value.startsWith(SPELLED) ? NUMBERS[value.slice(SPELLED.length)] : value;
  });
}

/**
 * The records of one decoded value: an object, or the objects of an array
 * (other items counted as one `not_an_object` problem).
 * @param {unknown} value
 * @param {Problem[]} problems
 * @returns {JsonRecord[]}
 */
export function recordsOf(value, problems) {
  if (isObject(value)) return [value];
  if (Array.isArray(value)) {
    const records = value.filter(isObject);
    const skipped = value.length - records.length;
    if (skipped) problems.push({ kind: NOT_AN_OBJECT, message: `${skipped} item(s) of a JSON array are not objects` });
    return records;
  }
  const what = value === null ? "null" : typeof value;
  problems.push({ kind: NOT_AN_OBJECT, message: `a JSON ${what} is not an object` });
  return [];
}

/**
 * The "json" decoder's reading of one frame; never throws. A frame holds one
 * JSON object, an array of objects, or newline-delimited objects (each line
 * stands or falls alone). A text frame that is none of these is `not_json`; a
 * binary frame from which no JSON can be read, `binary_frame`.
 * @param {Frame} frame
 * @returns {Decoded}
 */
export function decodeJson(frame) {
  /** @type {Problem[]} */
  const problems = [];
  const binary = typeof frame !== "string";
  const text = binary ? utf8(frame) : frame;
  if (text === null) {
    const size = byteLength(/** @type {ArrayBuffer | Uint8Array} */ (frame));
    const message = `a binary frame of ${size.toLocaleString("en")} bytes is not UTF-8 JSON (another format needs decode=)`;
    return { records: [], problems: [{ kind: BINARY_FRAME, message }] };
  }
  let firstError;
  try {
    return { records: recordsOf(parseJson(text), problems), problems };
  } catch (error) {
    firstError = error;
  }
  // Only "\n" ends a line of NDJSON.
  const lines = text.split("\n").filter((line) => line.trim());
  if (lines.length < 2) {
    const why = `(${String(firstError)}): ${excerpt(text)}`;
    return {
      records: [],
      problems: [
        binary
          ? { kind: BINARY_FRAME, message: `a binary frame is not JSON ${why} (another format needs decode=)` }
          : { kind: NOT_JSON, message: `not JSON ${why}` },
      ],
    };
  }
  /** @type {JsonRecord[]} */
  const records = [];
  for (const line of lines) {
    try {
      records.push(...recordsOf(parseJson(line), problems));
    } catch (error) {
      problems.push(notJson(line, error));
    }
  }
  return { records, problems };
}

/**
 * @param {string} line
 * @param {unknown} error
 * @returns {Problem}
 */
function notJson(line, error) {
  return { kind: NOT_JSON, message: `not JSON (${String(error)}): ${excerpt(line)}` };
}

/**
 * The "ndjson" decoder: the frames of one connection are pieces of one NDJSON
 * stream. A line ends at "\n" and holds an object or an array of objects;
 * blank lines are skipped, a line that is not JSON is `not_json`. What follows
 * the last newline of a frame is taken at once when it ends in "}" or "]" and
 * reads as JSON; kept, when it starts with "{" or "[", and joined to what the
 * next frames bring until the line ends; read (and counted) at once otherwise.
 * A line kept beyond `maxLine` characters is `too_large` and skipped to its end.
 */
export class NdjsonDecoder {
  constructor(maxLine = MAX_LINE) {
    this.maxLine = maxLine;
    /** @type {string[]} the pieces of the unfinished line */
    this._kept = [];
    this._keptSize = 0;
    this._skipping = false;
    // Binary frames are read as one UTF-8 stream: a character cut in two by a
    // frame's end is whole again with the next frame's bytes.
    this._utf8 = new TextDecoder("utf-8", { fatal: true });
  }

  /**
   * @param {Frame} frame
   * @returns {Decoded}
   */
  decode(frame) {
    /** @type {Problem[]} */
    const problems = [];
    let text;
    if (typeof frame === "string") text = frame;
    else {
      try {
        text = this._utf8.decode(frame, { stream: true });
      } catch {
        this._utf8 = new TextDecoder("utf-8", { fatal: true });
        const message = `a binary frame of ${byteLength(frame).toLocaleString("en")} bytes is not UTF-8 text`;
        return { records: [], problems: [{ kind: NOT_JSON, message }] };
      }
    }
    if (!this._kept.length && !this._skipping) {
      const end = text.indexOf("\n");
      if (end === -1 || end === text.length - 1) {
        try {
          return { records: recordsOf(parseJson(text), problems), problems };
        } catch {
          // a line cut short, or not JSON: read below, where that is told apart
        }
      }
    }
    /** @type {JsonRecord[]} */
    const records = [];
    const lines = text.split("\n");
    const tail = /** @type {string} */ (lines.pop());
    if (lines.length) {
      if (this._skipping) {
        lines[0] = "";
        this._skipping = false;
      } else if (this._kept.length) {
        lines[0] = this._kept.join("") + lines[0];
        this._kept = [];
        this._keptSize = 0;
      }
    }
    for (const line of lines) {
      if (!line.trim()) continue;
      let value;
      try {
        value = parseJson(line);
      } catch (error) {
        problems.push(notJson(line, error));
        continue;
      }
      records.push(...recordsOf(value, problems));
    }
    if (tail && !this._skipping) this._takeTail(tail, records, problems);
    return { records, problems };
  }

  /**
   * @param {string} tail what follows the last newline of a frame (not empty)
   * @param {JsonRecord[]} records
   * @param {Problem[]} problems
   */
  _takeTail(tail, records, problems) {
    const stripped = tail.trim();
    const endsWhole = stripped.endsWith("}") || stripped.endsWith("]");
    if (!this._kept.length) {
      if (!stripped) return;
      const startsRecord = stripped.startsWith("{") || stripped.startsWith("[");
      if (endsWhole || !startsRecord) {
        try {
          records.push(...recordsOf(parseJson(stripped), problems));
          return;
        } catch (error) {
          if (!startsRecord) {
            problems.push(notJson(stripped, error));
            return;
          }
        }
      }
      this._kept = [tail];
      this._keptSize = tail.length;
    } else {
      this._kept.push(tail);
      this._keptSize += tail.length;
      if (endsWhole) {
        try {
          const value = parseJson(this._kept.join(""));
          this._kept = [];
          this._keptSize = 0;
          records.push(...recordsOf(value, problems));
          return;
        } catch {
          // not whole yet
        }
      }
    }
    if (this._keptSize > this.maxLine) {
      const start = excerpt(this._kept[0]);
      this._kept = [];
      this._keptSize = 0;
      this._skipping = true;
      problems.push({
        kind: TOO_LARGE,
        message: `a line longer than ${this.maxLine.toLocaleString("en")} characters: skipped to its end (${start})`,
      });
    }
  }
}
