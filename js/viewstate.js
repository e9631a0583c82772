// @ts-check
import { lowerBound, padLogY, padY, upperBound, widenX, xExtent, yExtent } from "./ranges.js";

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
 *   kind?: string,
 *   width?: number,
 *   dash?: number[],
 *   scale?: "y" | "y2",
 *   visible?: boolean,
 *   extra?: Float64Array[],
 *   bounds?: Array<{ys: Float64Array, ring: import("./ring.js").Ring | null}>,
 *   barWidth?: number,
 * }} ViewSeries
 *   xs, ys: views into the live ring, or a frozen copy of them (on a log scale,
 *   a copy with every y ≤ 0 made a gap);
 *   ring: the live ring the arrays view, or null for a copy;
 *   kind, width, dash: how it is drawn (the chart's defaults when not given);
 *   scale: the y scale it is drawn on, "y" (left, the default) or "y2" (right);
 *   visible: false when hidden (from Python or by a click on the legend);
 *   extra: arrays drawn beside xs and ys, of their length (a candle series'
 *   open, high and low: see kinds/candles.js);
 *   bounds: more values the y range must hold, at the same xs (a candle
 *   series' highs and lows), each with its live ring or null for a copy;
 *   barWidth: a candle's width in x units; the x range reaches that far past
 *   the last x, so that the newest candle is whole.
 * @typedef {{log?: boolean, fixed?: ReadonlyArray<number | null>, follow?: Follow, steady?: boolean}} YAxes
 *   log: the y scales are logarithmic; fixed: [low, high] of the left scale,
 *   either null (or the whole list empty) where the data decide; follow: what
 *   a following view shows of the window (the whole of it when not given);
 *   steady: a view following its whole window keeps the width of its x range
 *   while the window's span changes by less than STEADY_SLACK (see `steadied`)
 * @typedef {{points?: number, ms?: number}} Follow
 *   the `_follow` trait: the newest `points` of the longest series, or the
 *   newest `ms` milliseconds of a time axis
 * @typedef {{
 *   points: number,
 *   lastX: number,
 *   xRange: [number, number],
 *   yRange: [number, number],
 *   y2Range: [number, number] | null,
 *   summaries: Array<import("./trace.js").Summarise | null>,
 * }} Picture
 *   points: across all series; lastX: the greatest x drawn (-Infinity when none);
 *   yRange: of the left scale; y2Range: of the right one, null when no series
 *   is drawn on it.
 */

/** Summaries of a series' ring, bound once per ring (the chart asks per frame).
 *  @type {WeakMap<import("./ring.js").Ring, import("./trace.js").Summarise>} */
const boundSummaries = new WeakMap();

/**
 * @param {{ring: import("./ring.js").Ring | null}} s
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
 * A copy of a series that the live data no longer changes (a paused view's).
 * @param {ViewSeries} s
 * @returns {ViewSeries}
 */
function freeze(s) {
  return {
    ...s,
    xs: s.xs.slice(),
    ys: s.ys.slice(),
    ring: null,
    ...(s.extra ? { extra: s.extra.map((a) => Float64Array.from(a)) } : {}),
    ...(s.bounds ? { bounds: s.bounds.map((b) => ({ ys: b.ys.slice(), ring: null })) } : {}),
  };
}

/**
 * What a plot is made for: when this changes, the plot is made again (uPlot
 * fixes its series, labels and axis kind when it is made). The data do not
 * enter it.
 * Styles enter it too: uPlot takes a series' stroke, paths and visibility only
 * when the plot is made, and a style changes rarely (a call from Python, a click
 * on the legend).
 * @param {ReadonlyArray<Omit<ViewSeries, "xs" | "ys" | "ring">>} view the series drawn, in order
 * @param {{isTime: boolean, xLabel: string, yLabel: string, y2Label?: string, log?: boolean}} axes
 * @returns {string}
 */
export function plotKey(view, { isTime, xLabel, yLabel, y2Label = "", log = false }) {
  const series = view.map((s) => [s.id, s.name, s.color, s.kind, s.width, s.dash, s.scale, s.visible]);
  return JSON.stringify([isTime, xLabel, yLabel, y2Label, log, series]);
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
    /** @type {[number, number] | null} y range chosen by a vertical drag; null: the data's */
    this.yZoom = null;
    /** @type {[number, number]} the x range of the whole window, as of the last picture */
    this.whole = [0, 1];
    /** @type {[number, number]} the x range of the last picture */
    this.lastX = [0, 1];
    /** The width of the x range a steady view follows with (see `steadied`). */
    this.steadySpan = 0;
    /** @type {[number, number]} what following showed (or would have) in the last picture */
    this.followRange = [0, 1];
    this.paused = false;
    /** @type {ViewSeries[] | null} the data shown while paused */
    this.frozen = null;
    /** @type {[number, number]} the y range of the last picture, kept when no point is in view */
    this.lastY = [0, 1];
    /** @type {[number, number]} the same, of the right scale */
    this.lastY2 = [0, 1];
    /** @type {Map<string, boolean>} visibility chosen on the legend, by series name */
    this.shown = new Map();
  }

  /** The view shows what it shows unless told otherwise: the newest data, on the data's y range. */
  get following() {
    return this.zoom === null && this.yZoom === null;
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

  /**
   * Shows the x range a linked view shows (null: the newest data), keeping
   * this view's own y range.
   * @param {[number, number] | null} zoom
   */
  showX(zoom) {
    this.zoom = zoom ? [zoom[0], zoom[1]] : null;
  }

  /** Shows the newest data again, on the data's y range. */
  follow() {
    this.zoom = null;
    this.yZoom = null;
  }

  /**
   * Shows the left y range [a, b] (a vertical drag), until follow().
   * @param {number} a
   * @param {number} b
   */
  zoomY(a, b) {
    this.yZoom = [Math.min(a, b), Math.max(a, b)];
  }

  /**
   * Zooms the x range shown by `factor` (above 1 zooms out) around x = `at`.
   * Zooming out stops at the whole window: that is following again when
   * following shows the whole window, else the whole window held still (a
   * chart that follows its newest minute can still show all it keeps).
   * @param {number} factor
   * @param {number} at
   * @param {boolean} isTime
   */
  zoomBy(factor, at, isTime) {
    // The zoom itself when there is one: wheel events may come faster than frames.
    const [a, b] = this.zoom ?? this.lastX;
    const [w0, w1] = this.whole;
    let lo = at - (at - a) * factor;
    let hi = at + (b - at) * factor;
    if (factor > 1 && hi - lo >= w1 - w0) {
      const [f0, f1] = this.followRange;
      this.zoom = f0 === w0 && f1 === w1 ? null : [w0, w1];
      return;
    }
    if (factor > 1) {
      // Slide back inside the window rather than show empty space.
      if (lo < w0) [lo, hi] = [w0, hi + (w0 - lo)];
      if (hi > w1) [lo, hi] = [lo - (hi - w1), w1];
    }
    if (hi > lo) this.zoomTo(lo, hi, isTime);
  }

  /**
   * Moves the x range of the last picture by `fraction` of its width (a drag
   * or a sideways wheel), within the whole window.
   * @param {number} fraction positive towards newer data
   * @param {boolean} isTime
   */
  panBy(fraction, isTime) {
    const [a, b] = this.zoom ?? this.lastX;
    const [w0, w1] = this.whole;
    const width = b - a;
    let shift = width * fraction;
    if (a + shift < Math.min(w0, a)) shift = Math.min(w0, a) - a;
    if (b + shift > Math.max(w1, b)) shift = Math.max(w1, b) - b;
    this.zoomTo(a + shift, b + shift, isTime);
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
    this.frozen = value ? live().map(freeze) : null;
    return true;
  }

  /**
   * What to draw: the frozen copy while paused, else the live series, each
   * visible or not as the legend last chose (else as its style says).
   * @param {ViewSeries[]} live
   */
  series(live) {
    const view = this.frozen ?? live;
    if (this.shown.size === 0) return view;
    return view.map((s) => {
      const shown = this.shown.get(s.name);
      return shown === undefined || shown === (s.visible ?? true) ? s : { ...s, visible: shown };
    });
  }

  /**
   * Hides a shown series, or shows a hidden one (a click on its legend entry).
   * @param {string} name
   * @param {boolean} visible as it is drawn now
   */
  toggle(name, visible) {
    this.shown.set(name, !visible);
  }

  /** Forgets the legend's choices: the series' styles decide again (they changed). */
  forgetToggles() {
    this.shown.clear();
  }

  /**
   * Ranges and counts of a frame of `view`. Hidden series count in `points`
   * but not in the y ranges, which fit the series drawn.
   * @param {ViewSeries[]} view
   * @param {boolean} isTime
   * @param {YAxes} [axes]
   * @returns {Picture}
   */
  picture(view, isTime, axes = {}) {
    let points = 0;
    let lastX = -Infinity;
    for (const s of view) {
      const n = s.xs.length;
      points += n;
      if (n > 0 && s.xs[n - 1] > lastX) lastX = s.xs[n - 1];
    }
    const reach = Math.max(0, ...view.map((s) => s.barWidth ?? 0));
    const extent = xExtent(view.map((s) => s.xs));
    const whole = widenX(extent && reach > 0 ? [extent[0], extent[1] + reach] : extent, isTime);
    this.whole = whole;
    this.followRange = followed(view, whole, isTime, axes.follow);
    if (axes.steady && !axes.follow?.ms && !axes.follow?.points) {
      [this.followRange, this.steadySpan] = steadied(this.followRange, this.steadySpan);
    }
    const xRange = this.zoom ?? this.followRange;
    this.lastX = xRange;
    // A ring's block summaries spare walking a long window; a frozen copy has none.
    const summaries = view.map(summariser);
    const pad = axes.log ? padLogY : padY;
    /** @param {"y" | "y2"} scale */
    const yExtentOf = (scale) => {
      /** @type {Array<[Float64Array, Float64Array, import("./trace.js").Summarise | null]>} */
      const drawn = view.flatMap((s, k) => {
        if ((s.scale ?? "y") !== scale || s.visible === false) return [];
        if (!s.bounds) return [/** @type {const} */ ([s.xs, s.ys, summaries[k]])];
        return s.bounds.map((b) => /** @type {const} */ ([s.xs, b.ys, summariser({ ring: b.ring })]));
      });
      if (drawn.length === 0) return undefined;
      // A bar starts at its x: one that started before the range may still reach into it.
      const from = reach > 0 ? xRange[0] - reach : xRange[0];
      const yr = yExtent(
        drawn.map(([xs, ys]) => [xs, ys]),
        from,
        xRange[1],
        drawn.map(([, , summary]) => summary),
      );
      return yr ? pad(yr) : null;
    };
    const left = yExtentOf("y");
    if (left) this.lastY = left;
    const fixed = axes.fixed ?? [];
    const yRange = this.yZoom ?? fixBounds(this.lastY, fixed[0] ?? null, fixed[1] ?? null, Boolean(axes.log));
    const onRight = view.some((s) => s.scale === "y2");
    const right = yExtentOf("y2");
    if (right) this.lastY2 = right;
    return { points, lastX, xRange, yRange, y2Range: onRight ? this.lastY2 : null, summaries };
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
      out["y2-range"] = picture.y2Range ? `${picture.y2Range[0]} ${picture.y2Range[1]}` : "";
    }
    // Benchmarks time how long a point takes to be drawn by watching this.
    if (picture && picture.lastX > -Infinity) out["last-x"] = String(picture.lastX);
    return out;
  }
}

/**
 * A y range with the bounds a user fixed put in place of the data's. A fixed
 * side that leaves no room for the other (a fixed low above every value) pushes
 * the automatic side out: a decade on log scales, a tenth of the bound (or 1)
 * on linear ones.
 * @param {[number, number]} auto the range the data give, padded
 * @param {number | null} low
 * @param {number | null} high
 * @param {boolean} log
 * @returns {[number, number]}
 */
export function fixBounds(auto, low, high, log) {
  let [lo, hi] = auto;
  if (low != null) lo = low;
  if (high != null) hi = high;
  if (lo < hi) return [lo, hi];
  if (low != null && high == null) return [lo, log ? lo * 10 : lo + (Math.abs(lo) * 0.1 || 1)];
  return [log ? hi / 10 : hi - (Math.abs(hi) * 0.1 || 1), hi];
}

/**
 * The x range a following view shows: the whole window, or its newest part.
 * @param {ReadonlyArray<{xs: ArrayLike<number>}>} view
 * @param {[number, number]} whole
 * @param {boolean} isTime
 * @param {Follow | undefined} follow
 * @returns {[number, number]}
 */
export function followed(view, whole, isTime, follow) {
  const [lo, hi] = whole;
  if (follow?.ms && follow.ms > 0 && isTime) return [Math.max(lo, hi - follow.ms), hi];
  const points = follow?.points;
  if (points && points > 1) {
    let longest = view[0]?.xs;
    for (const s of view) if (s.xs.length > (longest?.length ?? 0)) longest = s.xs;
    const start = longest && longest.length > points ? longest[longest.length - points] : lo;
    if (start > lo && start < hi) return [start, hi];
  }
  return whole;
}

/** How far the span of a window may grow past, or shrink below, the width of
 *  a steady view's x range before that width changes. */
export const STEADY_SLACK = 0.04;

/**
 * The x range a steady view follows a window `range` with: as wide as `span`
 * (the width it showed last) and ending at the newest x, while the window's
 * own span is between `span` / (1 + STEADY_SLACK) and `span`; otherwise a new
 * width, STEADY_SLACK / 2 wider than the window. A window of a number of points
 * changes its span with the rate of its feed; a picture kept from frame to
 * frame (strip.js) can only move, so its width must hold still. The price is
 * a margin of at most STEADY_SLACK of the width left of the oldest point.
 * @param {[number, number]} range the whole window, [oldest, newest]
 * @param {number} span the width shown last (0 for none)
 * @returns {[[number, number], number]} the range to show, and its width
 */
export function steadied(range, span) {
  const [lo, hi] = range;
  const width = hi - lo;
  if (!(width > 0)) return [range, 0];
  const next = width <= span && width * (1 + STEADY_SLACK) >= span ? span : width * (1 + STEADY_SLACK / 2);
  return [[hi - next, hi], next];
}

/** Candles per family a view lists in its data-livefeed-candles attribute. */
export const CANDLES_SHOWN = 200;

/**
 * The candles of a view whose bars start in the x range (the newest
 * CANDLES_SHOWN of each family), as the data-livefeed-candles attribute gives
 * them: JSON {family: [[x, open, high, low, close], ...]}.
 * @param {import("./viewstate.js").ViewSeries[]} view
 * @param {[number, number]} xRange
 */
export function candlesInView(view, xRange) {
  /** @type {Record<string, number[][]>} */
  const out = {};
  for (const s of view) {
    if (!s.extra) continue;
    const [opens, highs, lows] = s.extra;
    const end = upperBound(s.xs, xRange[1]);
    const start = Math.max(lowerBound(s.xs, xRange[0]), end - CANDLES_SHOWN);
    const rows = [];
    for (let i = start; i < end; i++) rows.push([s.xs[i], opens[i], highs[i], lows[i], s.ys[i]]);
    out[s.name] = rows;
  }
  return JSON.stringify(out);
}
