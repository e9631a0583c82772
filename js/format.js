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
 * An x value: date and time with milliseconds for time axes (in zone `tz`, the
 * browser's own by default), a number otherwise.
 * @param {number} v
 * @param {boolean} isTime
 * @param {string} [tz] the zone times are shown in (see zonedDate)
 */
export function formatX(v, isTime, tz = "local") {
  if (!isTime) return formatValue(v);
  if (!Number.isFinite(v)) return "–";
  const d = zonedDate(v, tz);
  const date = `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
  const time = `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
  return `${date} ${time}.${String(d.getMilliseconds()).padStart(3, "0")}`;
}

/** @type {Map<string, Intl.DateTimeFormat>} */
const zoneFormats = new Map();

/**
 * A Date whose local fields (getHours...) read the wall time of `ms` in zone
 * `tz`: the time axis (uPlot's tzDate option) and the legend both read times
 * through it, so they always agree. "local" is the browser's own zone.
 * @param {number} ms epoch milliseconds
 * @param {string} [tz] "local", "UTC" or an IANA zone name
 */
export function zonedDate(ms, tz = "local") {
  if (!tz || tz === "local") return new Date(ms);
  let format = zoneFormats.get(tz);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    zoneFormats.set(tz, format);
  }
  /** @type {Record<string, number>} */
  const f = {};
  for (const part of format.formatToParts(new Date(ms))) f[part.type] = Number(part.value);
  const millis = ((ms % 1000) + 1000) % 1000;
  return new Date(f.year, f.month - 1, f.day, f.hour, f.minute, f.second, millis);
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
