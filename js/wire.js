// @ts-check
/**
 * Decoding of the point messages (`batch`, `reset`) and of the `snapshot` trait
 * (docs/protocol.md), candle charts' series roles and replace flags included.
 * Pure functions: no DOM, no widget model. Every check throws an Error whose
 * message says what was wrong, so a bad message never half-updates a view.
 */

/**
 * What a series stands for in a candle chart's family of series (docs/protocol.md,
 * "Candle charts"), the only roles the decoder accepts.
 */
export const ROLES = Object.freeze(/** @type {const} */ (["open", "high", "low", "close", "volume"]));

/**
 * @typedef {(typeof ROLES)[number]} Role
 * @typedef {[id: number, name: string, role: Role | null]} Name
 *   one entry of a message's `series`: role is null for a series that has none
 *   (every series of a chart other than a candle chart)
 * @typedef {{id: number, xs: Float64Array, ys: Float64Array, replace: boolean}} Part
 *   replace: the first point is the series' newest point again, with new values
 *   (a batch's segment flagged `1`; always false in a reset or snapshot, and
 *   never true for a part without points)
 * @typedef {{
 *   type: "batch" | "reset",
 *   seq: number,
 *   names: Name[],
 *   parts: Part[],
 *   points: number,
 * }} Decoded
 */

/** @type {ReadonlySet<unknown>} */
const ROLE_SET = new Set(ROLES);

const LITTLE_ENDIAN_HOST = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

/**
 * Turns a binary buffer of little-endian float64 values into a Float64Array.
 * Aligned buffers are viewed in place; a buffer whose byte offset is not a
 * multiple of 8 cannot back a Float64Array, so it is copied.
 * @param {unknown} buf DataView (what the widget layer delivers), ArrayBuffer or typed array
 * @param {string} what name used in error messages
 * @returns {Float64Array}
 */
export function toFloat64(buf, what) {
  /** @type {ArrayBufferLike} */
  let buffer;
  let offset;
  let length;
  if (buf instanceof ArrayBuffer) {
    buffer = buf;
    offset = 0;
    length = buf.byteLength;
  } else if (ArrayBuffer.isView(buf)) {
    buffer = buf.buffer;
    offset = buf.byteOffset;
    length = buf.byteLength;
  } else {
    throw new Error(`${what}: expected a binary buffer, got ${describe(buf)}`);
  }
  if (length % 8 !== 0) {
    throw new Error(`${what}: ${length} bytes is not a whole number of float64 values`);
  }
  const n = length / 8;
  if (!LITTLE_ENDIAN_HOST) {
    const view = new DataView(buffer, offset, length);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true);
    return out;
  }
  if (offset % 8 === 0) return new Float64Array(buffer, offset, n);
  return new Float64Array(buffer.slice(offset, offset + length));
}

/**
 * The fields of a JSON object, or null for anything else.
 * @param {unknown} v
 * @returns {Record<string, unknown> | null}
 */
export function fieldsOf(v) {
  return v && typeof v === "object" && !Array.isArray(v) ? /** @type {Record<string, unknown>} */ (v) : null;
}

/**
 * Decodes a `batch` or `reset` custom message.
 * @param {unknown} content the message's JSON content
 * @param {ReadonlyArray<unknown>} buffers [x, y]
 * @returns {Decoded}
 */
export function decodeMessage(content, buffers) {
  const fields = fieldsOf(content);
  const type = fields?.type;
  if (!fields || (type !== "batch" && type !== "reset")) {
    throw new Error(`not a point message: type ${describe(type)}`);
  }
  const seq = fields.seq;
  if (!isInteger(seq)) throw new Error(`${type}: seq must be an integer, got ${describe(seq)}`);
  if (!buffers || buffers.length < 2) {
    throw new Error(`${type} ${seq}: expected 2 buffers (x, y), got ${buffers ? buffers.length : 0}`);
  }
  const xs = toFloat64(buffers[0], `${type} ${seq} x`);
  const ys = toFloat64(buffers[1], `${type} ${seq} y`);
  return { type, seq, ...split(fields, xs, ys, `${type} ${seq}`, type === "batch") };
}

/**
 * Decodes the `snapshot` trait into the same shape as a reset, or null when it
 * holds no data (`{}`, missing, or no segments).
 * @param {unknown} value
 * @returns {Decoded | null}
 */
export function decodeSnapshot(value) {
  const snap = fieldsOf(value);
  if (!snap || !Array.isArray(snap.segments) || snap.segments.length === 0) return null;
  const seq = isInteger(snap.seq) ? snap.seq : -1;
  const xs = toFloat64(snap.x, "snapshot x");
  const ys = toFloat64(snap.y, "snapshot y");
  return { type: "reset", seq, ...split(snap, xs, ys, "snapshot", false) };
}

/**
 * Splits concatenated x/y values into per-series parts following `segments`.
 * @param {Record<string, unknown>} content holds `series` and `segments`
 * @param {Float64Array} xs
 * @param {Float64Array} ys
 * @param {string} what
 * @param {boolean} flags whether segments may carry the replace flag (a batch's
 *   may; a reset's or snapshot's hold whole windows, with nothing to replace)
 * @returns {{names: Name[], parts: Part[], points: number}}
 */
function split(content, xs, ys, what, flags) {
  const names = parseNames(content.series, what);
  const segments = content.segments;
  if (!Array.isArray(segments)) throw new Error(`${what}: segments must be a list`);
  if (xs.length !== ys.length) {
    throw new Error(`${what}: ${xs.length} x values but ${ys.length} y values`);
  }
  /** @type {Part[]} */
  const parts = [];
  let at = 0;
  for (const seg of segments) {
    const { id, count, replace } = parseSegment(seg, what, flags);
    if (at + count > xs.length) {
      throw new Error(`${what}: segments need more than the ${xs.length} points in the buffers`);
    }
    parts.push({ id, xs: xs.subarray(at, at + count), ys: ys.subarray(at, at + count), replace });
    at += count;
  }
  if (at !== xs.length) {
    throw new Error(`${what}: segments add up to ${at} points but the buffers hold ${xs.length}`);
  }
  return { names, parts, points: at };
}

/**
 * One entry of `segments`: `[id, count]`, or in a batch `[id, count, flag]` with
 * flag 0 (the same as none) or 1 (replace; only on a segment with points, since
 * the flag speaks of its first point).
 * @param {unknown} seg
 * @param {string} what
 * @param {boolean} flags whether the third element is allowed at all
 * @returns {{id: number, count: number, replace: boolean}}
 */
function parseSegment(seg, what, flags) {
  const expected = flags ? "[series id, count] or [series id, count, 0 | 1]" : "[series id, count]";
  if (
    !Array.isArray(seg) ||
    seg.length < 2 ||
    seg.length > (flags ? 3 : 2) ||
    !isId(seg[0]) ||
    !Number.isSafeInteger(seg[1]) ||
    seg[1] < 0
  ) {
    throw new Error(`${what}: bad segment ${describe(seg)}; expected ${expected}`);
  }
  const flag = seg.length === 3 ? seg[2] : 0;
  if (flag !== 0 && flag !== 1) {
    throw new Error(`${what}: bad segment ${describe(seg)}; its replace flag must be 0 or 1`);
  }
  if (flag === 1 && seg[1] === 0) {
    throw new Error(`${what}: bad segment ${describe(seg)}; a segment without points has no point to replace`);
  }
  return { id: seg[0], count: seg[1], replace: flag === 1 };
}

/**
 * The entries of `series`: `[id, name]`, or `[id, name, role]` with role one of `ROLES`.
 * @param {unknown} series
 * @param {string} what
 * @returns {Name[]}
 */
function parseNames(series, what) {
  if (series == null) return [];
  if (!Array.isArray(series)) throw new Error(`${what}: series must be a list`);
  return series.map((entry) => {
    if (!Array.isArray(entry) || entry.length < 2 || entry.length > 3 || !isId(entry[0])) {
      throw new Error(`${what}: bad series entry ${describe(entry)}; expected [id, name] or [id, name, role]`);
    }
    // A third element is a role or a malformed entry: null is not a way to say "none".
    if (entry.length === 3 && !isRole(entry[2])) {
      throw new Error(
        `${what}: bad series entry ${describe(entry)}; its role must be one of ${ROLES.join(", ")}, got ${describe(entry[2])}`,
      );
    }
    return /** @type {Name} */ ([entry[0], String(entry[1]), entry.length === 3 ? entry[2] : null]);
  });
}

/**
 * @param {unknown} v
 * @returns {v is Role}
 */
function isRole(v) {
  return typeof v === "string" && ROLE_SET.has(v);
}

/**
 * @param {unknown} v
 * @returns {v is number}
 */
function isInteger(v) {
  return Number.isSafeInteger(v);
}

/**
 * @param {unknown} v
 * @returns {v is number}
 */
function isId(v) {
  return isInteger(v) && v >= 0;
}

/**
 * A short description of a value for error messages (never the whole value).
 * @param {unknown} v
 * @returns {string}
 */
function describe(v) {
  if (v === null) return "null";
  if (Array.isArray(v)) return `[${v.slice(0, 3).map(describe).join(", ")}${v.length > 3 ? ", …" : ""}]`;
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === "object") return /** @type {object} */ (v).constructor?.name ?? "object";
  return String(v);
}
