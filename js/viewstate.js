// @ts-check
import { padY, widenX, xExtent, yExtent } from "./ranges.js";

/**
 * What one view of a chart shows: following the newest data or zoomed on an x
 * range, live or paused (then on a copy of the data frozen when it paused), and
 * from that, what a frame draws and the data attributes that describe it. No DOM.
 *
 * The attributes of a picture are computed here in one go and written by the
 * frame that draws it, so a reader never sees the zoom of one frame with the
 * ranges of another.
 */

/**
 * @typedef {import("./legend.js").LegendSeries & {
 *   xs: Float64Array,
 *   ys: Float64Array,
 *   ring: import("./ring.js").Ring | null,
 * }} ViewSeries
 *   xs, ys: views into the live ring, or a frozen copy of them;
 *   ring: the live ring the arrays view, or null for a frozen copy.
 * @typedef {{
 *   points: number,
 *   lastX: number,
 *   xRange: [number, number],
 *   yRange: [number, number],
 *   summaries: Array<import("./trace.js").Summarise | null>,
 * }} Picture
 *   points: across all series; lastX: the greatest x drawn (-Infinity when none).
 */

/** Summaries of a series' ring, bound once per ring (the chart asks per frame).
 *  @type {WeakMap<import("./ring.js").Ring, import("./trace.js").Summarise>} */
const boundSummaries = new WeakMap();

/**
 * @param {ViewSeries} s
 * @returns {import("./trace.js").Summarise | null}
 */
function summariser(s) {
  const ring = s.ring;
  if (!ring) return null;
  let f = boundSummaries.get(ring);
  if (!f) {
    f = (from, to, out) => ring.summary(from, to, out);
    boundSummaries.set(ring, f);
  }
  return f;
}

/**
 * What a plot is made for: when this changes, the plot is made again (uPlot
 * fixes its series, labels and axis kind when it is made). The data do not
 * enter it.
 * @param {ReadonlyArray<{id: number, name: string}>} view the series drawn, in order
 * @param {{isTime: boolean, xLabel: string, yLabel: string}} axes
 * @returns {string}
 */
export function plotKey(view, { isTime, xLabel, yLabel }) {
  return JSON.stringify([isTime, xLabel, yLabel, view.map((s) => [s.id, s.name])]);
}

/** Plot height, in CSS pixels, when the `height` trait gives none that fits. */
export const DEFAULT_PLOT_HEIGHT = 300;

/**
 * The plot's height from the `height` trait: whole pixels, and the default for
 * anything that is not a number above 40 (too short to hold the axes).
 * @param {unknown} value
 * @returns {number}
 */
export function plotHeightOf(value) {
  const h = Number(value);
  return Number.isFinite(h) && h > 40 ? Math.round(h) : DEFAULT_PLOT_HEIGHT;
}

export class ViewState {
  constructor() {
    /** @type {[number, number] | null} x range chosen by dragging; null while following */
    this.zoom = null;
    this.paused = false;
    /** @type {ViewSeries[] | null} the data shown while paused */
    this.frozen = null;
    /** @type {[number, number]} the y range of the last picture, kept when no point is in view */
    this.lastY = [0, 1];
  }

  get following() {
    return this.zoom === null;
  }

  /**
   * Shows the x range [a, b] and stops following.
   * @param {number} a
   * @param {number} b
   * @param {boolean} isTime
   */
  zoomTo(a, b, isTime) {
    // Whole milliseconds on time axes: uPlot's time ticks misalign on fractions.
    this.zoom = isTime ? [Math.floor(a), Math.ceil(b)] : [a, b];
  }

  /** Shows the newest data again. */
  follow() {
    this.zoom = null;
  }

  /**
   * Pauses (freezing a copy of `live`, so zooming and hovering work on a still
   * picture while the rings go on filling) or resumes.
   * @param {boolean} value
   * @param {() => ViewSeries[]} live the series as they are now
   * @returns {boolean} it changed
   */
  setPaused(value, live) {
    if (value === this.paused) return false;
    this.paused = value;
    this.frozen = value ? live().map((s) => ({ ...s, xs: s.xs.slice(), ys: s.ys.slice(), ring: null })) : null;
    return true;
  }

  /**
   * What to draw: the frozen copy while paused, else the live series.
   * @param {ViewSeries[]} live
   */
  series(live) {
    return this.frozen ?? live;
  }

  /**
   * Ranges and counts of a frame of `view`.
   * @param {ViewSeries[]} view
   * @param {boolean} isTime
   * @returns {Picture}
   */
  picture(view, isTime) {
    let points = 0;
    let lastX = -Infinity;
    for (const s of view) {
      const n = s.xs.length;
      points += n;
      if (n > 0 && s.xs[n - 1] > lastX) lastX = s.xs[n - 1];
    }
    const xRange = this.zoom ?? widenX(xExtent(view.map((s) => s.xs)), isTime);
    // A ring's block summaries spare walking a long window; a frozen copy has none.
    const summaries = view.map(summariser);
    const yr = yExtent(
      view.map((s) => [s.xs, s.ys]),
      xRange[0],
      xRange[1],
      summaries,
    );
    if (yr) this.lastY = padY(yr);
    return { points, lastX, xRange, yRange: this.lastY, summaries };
  }

  /**
   * The data attributes that describe a picture, by name without the
   * `data-livefeed-` prefix. The ranges are given only when a plot was drawn;
   * last-x only when some point was.
   * @param {Picture | null} picture null before anything was drawn
   * @param {number} frames frames drawn so far
   * @param {boolean} plotted a plot was drawn (the view holds some series)
   * @returns {Record<string, string>}
   */
  attributes(picture, frames, plotted) {
    /** @type {Record<string, string>} */
    const out = {
      following: String(this.following),
      paused: String(this.paused),
      points: String(picture ? picture.points : 0),
      frames: String(frames),
    };
    if (picture && plotted) {
      out["x-range"] = `${picture.xRange[0]} ${picture.xRange[1]}`;
      out["y-range"] = `${picture.yRange[0]} ${picture.yRange[1]}`;
    }
    // Benchmarks time how long a point takes to be drawn by watching this.
    if (picture && picture.lastX > -Infinity) out["last-x"] = String(picture.lastX);
    return out;
  }
}
