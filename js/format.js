// @ts-check
/** Text formatting for the legend and the status badge. */

/**
 * A y value in at most 6 significant digits; exponent form for very large or
 * very small magnitudes; an en dash for a gap (NaN) or a missing value.
 * @param {number | null | undefined} v
 */
export function formatValue(v) {
  if (v == null || Number.isNaN(v)) return "–";
  if (!Number.isFinite(v)) return v > 0 ? "∞" : "-∞";
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e9 || a < 1e-4)) return v.toExponential(3);
  return String(Number(v.toPrecision(6)));
}

/** @param {number} n */
function pad2(n) {
  return String(n).padStart(2, "0");
}

/**
 * An x value: local date and time with milliseconds for time axes, a number otherwise.
 * @param {number} v
 * @param {boolean} isTime
 */
export function formatX(v, isTime) {
  if (!isTime) return formatValue(v);
  if (!Number.isFinite(v)) return "–";
  const d = new Date(v);
  const date = `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
  const time = `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
  return `${date} ${time}.${String(d.getMilliseconds()).padStart(3, "0")}`;
}

/**
 * A count with thousands separators ("12,345").
 * @param {unknown} n
 */
export function formatCount(n) {
  const v = Number(n);
  if (!Number.isFinite(v)) return "0";
  return Math.round(v)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/**
 * A message rate: one decimal below 10/s, whole numbers above.
 * @param {unknown} r messages per second
 */
export function formatRate(r) {
  const v = Number(r);
  if (!Number.isFinite(v) || v <= 0) return "0 msg/s";
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} msg/s`;
}

/**
 * Seconds until something, rounded up so "in 0 s" is never shown while waiting.
 * @param {number} s
 */
export function formatSeconds(s) {
  return `${Math.max(1, Math.ceil(s))} s`;
}

/**
 * A file name from a chart's title: letters, digits, "-" and "_" kept, the
 * rest turned to "-"; "livefeed" for a chart without a title.
 * @param {string} title
 */
export function pngName(title) {
  const name = title
    .trim()
    .replace(/[^\p{L}\p{N}_-]+/gu, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80);
  return name || "livefeed";
}
