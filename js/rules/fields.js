// @ts-check

/**
 * Reading fields out of decoded JSON records by name or dotted path: the same
 * rules as the kernel's (src/livefeed/_core/fields.py), proven on the shared
 * test vectors (tests/vectors/messages.json).
 */

/** The value of a field a record does not have (distinct from a JSON null). */
export const MISSING = Symbol("missing");

/** @typedef {(record: Record<string, unknown>) => unknown} Getter */

/**
 * A function reading `path` from a record, or MISSING when it is absent.
 *
 * A dotted path ("data.p") walks nested objects, and a segment made of digits
 * indexes an array ("bids.0"). A key that itself contains dots is found too: the
 * exact key is tried first.
 * @param {string} path
 * @returns {Getter}
 */
export function compilePath(path) {
  if (!path) throw new Error("a field name cannot be empty");
  if (!path.includes(".")) return (record) => (has(record, path) ? record[path] : MISSING);
  // "007" is index 7; "1e3" or "-1" are keys only.
  const steps = path
    .split(".")
    .map((part) => /** @type {[string, number | null]} */ ([part, /^[0-9]+$/.test(part) ? Number(part) : null]));
  return (record) => {
    if (has(record, path)) return record[path];
    /** @type {unknown} */
    let current = record;
    for (const [part, index] of steps) {
      if (isObject(current)) {
        if (!has(current, part)) return MISSING;
        current = current[part];
      } else if (Array.isArray(current) && index !== null && index < current.length) {
        current = current[index];
      } else {
        return MISSING;
      }
    }
    return current;
  };
}

/**
 * A JSON object (not an array, not null).
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
export function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// Object.hasOwn is newer than the bundle's target (es2020).
const ownField = Object.prototype.hasOwnProperty;

/**
 * Whether `record` has its own field `key` (a field named "constructor" or
 * "__proto__" included; nothing inherited).
 * @param {object} record
 * @param {string} key
 */
export function has(record, key) {
  return ownField.call(record, key);
}
