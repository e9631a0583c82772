// @ts-check
/** @import { SeriesStyle, SummaryOf } from "./kinds/index.js" */
/** @import { ViewSeries } from "./viewstate.js" */
/** @import { Summarise } from "./trace.js" */
/** @import { Theme } from "./theme.js" */
import uPlot from "uplot";
import { facet, faceted } from "./facets.js";
import { zonedDate } from "./format.js";
import { chartKind } from "./kinds/index.js";
import { nearestIndex } from "./ranges.js";
import { LAYER_MIN_SERIES, SeriesLayer } from "./strip.js";

/**
 * An annotation (the `_annotations` trait, docs/protocol.md): a horizontal line
 * at y on the left scale, a vertical line at x, or a marker with text at x.
 * @typedef {{id: number, type: "hline", y: number, label: string, color: string}
 *   | {id: number, type: "vline", x: number, label: string, color: string}
 *   | {id: number, type: "mark", x: number, text: string, color: string}} Annotation
 * @typedef {{series: string, x: number, y: number, side: string, threshold: number}} AlertMarker
 *   a point that crossed an alert's threshold (the `_alerts_fired` trait)
 */

/** The colour of alert markers: a red that reads on light and dark themes alike. */
export const ALERT_COLOR = "#dc2626";

/**
 * The uPlot plot. Series of a grouped feed have x values of their own, so the
 * plot uses uPlot's mode 2 (one [xs, ys] pair per series). The caller decides
 * both scale ranges every frame; uPlot's own autoscaling is off. How each
 * series is drawn (a line, ...) is the chart's kind (see kinds/index.js).
 *
 * @typedef {{
 *   kind?: string,
 *   log?: boolean,
 *   tz?: string,
 *   annotations?: () => ReadonlyArray<Annotation>,
 *   markers?: () => ReadonlyArray<AlertMarker>,
 *   isTime: boolean,
 *   xLabel: string,
 *   yLabel: string,
 *   y2Label?: string,
 *   width: number,
 *   height: number,
 *   theme: () => Theme,
 *   onZoom: (min: number, max: number) => void,
 *   onZoomY?: (min: number, max: number) => void,
 *   onWheel?: (factor: number, at: number) => void,
 *   onPan?: (fraction: number) => void,
 *   onFollow: () => void,
 *   onHover: (x: number | null) => void,
 * }} ChartOptions
 *   kind: a name from kinds/index.js ("line" when not given), for the series
 *   that name none of their own; log: both y scales are logarithmic; tz: the
 *   zone of time labels, "local" (the default), "UTC" or an IANA name;
 *   annotations: what to draw over the series, read at every frame;
 *   onZoom: a horizontal drag chose an x range; onZoomY: a vertical drag chose
 *   a range of the left scale; onWheel: the wheel asks to zoom x by `factor`
 *   (above 1: out) around x = `at`; onPan: a Shift-drag or a sideways wheel
 *   asks to move x by a fraction of the plot's width (positive: newer)
 */

/**
 * How a view series is drawn, its unset options given their defaults.
 * @param {Omit<ViewSeries, "ring" | "xs" | "ys">} s
 * @param {boolean} log the chart's y scales are logarithmic
 * @returns {SeriesStyle}
 */
export function seriesStyle(s, log) {
  return {
    id: s.id,
    name: s.name,
    color: s.color,
    width: s.width ?? DEFAULT_WIDTH,
    dash: s.dash ?? [],
    scale: s.scale ?? "y",
    log,
    ...(s.barWidth ? { barWidth: s.barWidth } : {}),
  };
}

/** How much one wheel step zooms. */
export const WHEEL_ZOOM = 1.25;

/**
 * A series' stroke width, in CSS pixels, unless its style gives one. One pixel
 * (uPlot's default too) because, without a GPU, a canvas draws a one-pixel
 * line as a hairline: a noisy 2,700-point line took about 1 ms that way and
 * 11 to 22 ms at 1.5 pixels, which alone would hold a page of charts well
 * under the display's frame rate.
 */
export const DEFAULT_WIDTH = 1;

/**
 * Tick steps of time axes, in milliseconds: uPlot's own, plus 2 s and 2 min.
 * Live windows are often a few seconds to minutes wide, and uPlot jumps from
 * 1 s to 5 s (and 1 to 5 min), which leaves a narrow chart with a single tick.
 */
const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
const Y = 365 * D;
/**
 * @param {number} unit
 * @param {number[]} counts
 */
const steps = (unit, counts) => counts.map((n) => n * unit);
const TIME_INCRS = [
  ...steps(1, [1, 2, 5, 10, 20, 50, 100, 200, 500]),
  ...steps(S, [1, 2, 5, 10, 15, 30]),
  ...steps(M, [1, 2, 5, 10, 15, 30]),
  ...steps(H, [1, 2, 3, 4, 6, 8, 12]),
  ...steps(D, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 30, 60, 90, 120, 180]),
  ...steps(Y, [1, 2, 5, 10, 25, 50, 100]),
];

/** A drag narrower than this many CSS pixels is a click, not a zoom. */
const MIN_DRAG_PX = 3;

/**
 * Width of the y axis: room for its longest tick label (and the axis label).
 * @param {uPlot} u
 * @param {string[] | null} values
 * @param {number} axisIdx
 * @param {number} cycleNum
 */
function axisSize(u, values, axisIdx, cycleNum) {
  const axis = u.axes[axisIdx];
  // After two layout passes keep the size, so the layout settles.
  if (cycleNum > 1) return /** @type {uPlot.Axis & {_size: number}} */ (axis)._size;
  let size = (axis.ticks?.size ?? 10) + (axis.gap ?? 5) + 4;
  const longest = (values ?? []).reduce((acc, v) => (String(v).length > acc.length ? String(v) : acc), "");
  if (longest) {
    // Once the plot is made, uPlot holds an axis font as [CSS font, size in pixels].
    u.ctx.font = /** @type {[string, number]} */ (/** @type {unknown} */ (axis.font))[0];
    size += u.ctx.measureText(longest).width / devicePixelRatio;
  }
  return Math.ceil(size);
}

export class Chart {
  /**
   * @param {HTMLElement} parent
   * @param {ReadonlyArray<Omit<ViewSeries, "xs" | "ys" | "ring">>} series at least one
   * @param {ChartOptions} opts
   */
  constructor(parent, series, opts) {
    const log = Boolean(opts.log);
    this.opts = opts;
    /** Annotations drawn by the last frame (those in view). */
    this.annotationsDrawn = 0;
    /** The x axis' tick labels as the last frame drew them (a time's two lines joined by a space). */
    /** @type {string[]} */
    this.xTicks = [];
    /** Alert markers drawn by the last frame (those in view, of a visible series). */
    this.markersDrawn = 0;
    /** @type {Map<string, string>} the scale of each visible series, by name */
    this._scaleOf = new Map(series.filter((s) => s.visible !== false).map((s) => [s.name, s.scale ?? "y"]));
    /** Per series, summaries of the data last drawn (see trace.js), or null.
     *  @type {Array<Summarise | null>} */
    this._summaries = [];
    /** @type {SummaryOf} */
    const summaryOf = (si) => this._summaries[si - 1] ?? null;
    const styles = series.map((s) => seriesStyle(s, log));
    // Many lines: drawn on a layer that moves with x (see strip.js), not by uPlot.
    /** @type {SeriesLayer | null} */
    this.layer =
      series.length >= LAYER_MIN_SERIES && series.every((s) => (s.kind ?? opts.kind ?? "line") === "line")
        ? new SeriesLayer(styles, summaryOf)
        : null;
    /** What places the layer's pixels besides x: set by `draw`. */
    this._layerKey = "";
    /** Frames drawn. */
    this._frames = 0;
    const theme = opts.theme;
    const axisCommon = () => ({
      stroke: () => theme().axis,
      font: theme().font,
      labelFont: theme().font,
      grid: { stroke: () => theme().grid, width: 1 },
      ticks: { stroke: () => theme().grid, width: 1, size: 5 },
    });
    const right = series.some((s) => s.scale === "y2");
    /** @type {uPlot.Scale} */
    const yScale = { auto: false, range: (_u, lo, hi) => [lo, hi], ...(log ? { distr: 3, log: 10 } : {}) };
    /** @type {uPlot.Axis[]} */
    const rightAxis = right
      ? [
          {
            ...axisCommon(),
            scale: "y2",
            side: 1,
            space: 24,
            size: axisSize,
            grid: { show: false },
            label: opts.y2Label || undefined,
            labelSize: opts.y2Label ? 20 : 0,
          },
        ]
      : [];
    /** @type {uPlot.Options} */
    const options = {
      mode: 2,
      ms: 1, // time x values are epoch milliseconds
      // The same conversion the legend uses (format.js), so axis and legend agree.
      tzDate: (ts) => zonedDate(ts, opts.tz),
      width: Math.max(1, opts.width),
      height: Math.max(1, opts.height),
      pxAlign: 0,
      legend: { show: false },
      scales: {
        x: { time: opts.isTime, auto: false, range: (_u, lo, hi) => [lo, hi] },
        y: yScale,
        ...(right ? { y2: { ...yScale } } : {}),
      },
      axes: [
        {
          ...axisCommon(),
          scale: "x",
          space: opts.isTime ? 70 : 60,
          incrs: opts.isTime ? TIME_INCRS : undefined,
          size: opts.isTime ? 48 : 30, // time ticks take two lines (time, then date)
          label: opts.xLabel || undefined,
          labelSize: opts.xLabel ? 20 : 0,
        },
        {
          ...axisCommon(),
          scale: "y",
          // Closer than uPlot's 30 px, so a short chart (a dashboard's) gets several labels.
          space: 24,
          size: axisSize,
          label: opts.yLabel || undefined,
          labelSize: opts.yLabel ? 20 : 0,
        },
        ...rightAxis,
      ],
      series: [
        {},
        ...series.map((s, k) => {
          const style = styles[k];
          const options = chartKind(s.kind ?? opts.kind).series(style, summaryOf);
          return {
            ...options,
            ...(this.layer ? { paths: () => null } : {}),
            ...(style.dash.length > 0 ? { dash: style.dash } : {}),
            label: s.name,
            show: s.visible !== false,
            scale: style.scale,
            auto: false,
            facets: [
              { scale: "x", auto: false, sorted: 1 },
              { scale: style.scale, auto: false },
            ],
          };
        }),
      ],
      cursor: {
        // A drag zooms x or y, whichever way it goes further (uni: never both).
        drag: { x: true, y: true, uni: Infinity, setScale: false },
        // Double-click returns to following (handled below), not uPlot's autoscale.
        bind: { dblclick: () => null },
        points: { size: 7, width: 1.5 },
        dataIdx: (u, si) => {
          const left = u.cursor.left;
          if (left == null || left < 0) return null;
          const [xs, ys] = facet(u, si);
          const i = nearestIndex(xs, u.posToVal(left, "x"));
          return i < 0 || !Number.isFinite(ys[i]) ? null : i;
        },
      },
      hooks: {
        setSelect: [(u) => this._onSelect(u)],
        setCursor: [(u) => this._onCursor(u)],
        draw: [
          (u) => this.layer?.paint(u, this._layerKey),
          (u) => this._drawAnnotations(u),
          (u) => this._drawMarkers(u),
          (u) => this._readTicks(u),
        ],
      },
    };
    this.u = new uPlot(options, faceted(series.map(() => [new Float64Array(0), new Float64Array(0)])), parent);
    this._onDblClick = () => opts.onFollow();
    const over = this.u.over;
    over.addEventListener("dblclick", this._onDblClick);
    /** @param {WheelEvent} event */
    this._onWheel = (event) => {
      const sideways = Math.abs(event.deltaX) > Math.abs(event.deltaY);
      if (sideways || event.shiftKey) {
        const delta = sideways ? event.deltaX : event.deltaY;
        if (delta === 0 || !opts.onPan) return;
        event.preventDefault();
        opts.onPan(Math.sign(delta) * 0.1);
        return;
      }
      if (event.deltaY === 0 || !opts.onWheel) return;
      event.preventDefault();
      const at = this.u.posToVal(event.offsetX, "x");
      opts.onWheel(event.deltaY > 0 ? WHEEL_ZOOM : 1 / WHEEL_ZOOM, at);
    };
    over.addEventListener("wheel", this._onWheel, { passive: false });
    /** @type {number | null} the pointer's x while a Shift-drag pans */
    let panFrom = null;
    /** @param {MouseEvent} event */
    this._onPanMove = (event) => {
      if (panFrom == null) return;
      const width = over.clientWidth;
      if (width > 0 && event.clientX !== panFrom) opts.onPan?.((panFrom - event.clientX) / width);
      panFrom = event.clientX;
    };
    this._onPanEnd = () => {
      panFrom = null;
    };
    /** @param {MouseEvent} event */
    this._onPanStart = (event) => {
      if (!event.shiftKey || event.button !== 0 || !opts.onPan) return;
      // Ahead of uPlot's own listener, which would start a zoom box.
      event.stopPropagation();
      event.preventDefault();
      panFrom = event.clientX;
    };
    over.addEventListener("mousedown", this._onPanStart, { capture: true });
    window.addEventListener("mousemove", this._onPanMove);
    window.addEventListener("mouseup", this._onPanEnd);
  }

  /**
   * Draws one frame.
   * @param {Array<ReadonlyArray<ArrayLike<number>>>} data per series, in the constructor's order:
   *   [xs, ys], or for a candle series [xs, close, open, high, low]
   * @param {[number, number]} xRange
   * @param {[number, number]} yRange
   * @param {Array<Summarise | null>} [summaries] per series, of the same data
   * @param {[number, number] | null} [y2Range] of the right scale, when the plot has one
   * @param {number} [edits] changes to the data other than new points after the newest
   *   (see Ring.edits), NaN when unknown: a picture kept from the last frame is
   *   drawn again when they change
   */
  draw(data, xRange, yRange, summaries = [], y2Range = null, edits = Number.NaN) {
    const u = this.u;
    this._summaries = summaries;
    // An unknown count gets a key of its own every frame: the layer is drawn in full.
    this._frames += 1;
    const version = Number.isNaN(edits) ? `frame ${this._frames}` : String(edits);
    this._layerKey = version;
    u.batch(() => {
      u.setData(faceted(data), false);
      u.setScale("x", { min: xRange[0], max: xRange[1] });
      u.setScale("y", { min: yRange[0], max: yRange[1] });
      if (y2Range && u.scales.y2) u.setScale("y2", { min: y2Range[0], max: y2Range[1] });
    });
  }

  /**
   * Keeps the x axis' labels as drawn, for the view's attributes.
   * @param {uPlot} u
   */
  _readTicks(u) {
    // uPlot keeps the labels it drew on the axis (not in its typings); a tick skipped for room
    // is null there.
    const values = /** @type {{_values?: unknown[] | null}} */ (/** @type {unknown} */ (u.axes[0]))._values;
    this.xTicks = (values ?? []).filter((v) => v != null).map((v) => String(v).replace(/\n/g, " "));
  }

  /**
   * The labels of the y axes the plot draws: the left one's, then the right one's when it has
   * a right axis.
   * @returns {string[]}
   */
  yLabels() {
    return this.u.axes.slice(1).map((axis) => String(axis.label ?? ""));
  }

  /**
   * Rings the points that crossed an alert's threshold, on their series' scale.
   * @param {uPlot} u
   */
  _drawMarkers(u) {
    const markers = this.opts.markers?.() ?? [];
    let drawn = 0;
    if (markers.length > 0) {
      const ctx = u.ctx;
      const { left, top, width, height } = u.bbox;
      const px = devicePixelRatio;
      ctx.save();
      ctx.setLineDash([]);
      ctx.lineWidth = 2 * px;
      ctx.strokeStyle = ALERT_COLOR;
      for (const m of markers) {
        const scale = this._scaleOf.get(m.series);
        if (!scale || !u.scales[scale]) continue;
        const x = u.valToPos(m.x, "x", true);
        const y = u.valToPos(m.y, scale, true);
        if (!(x >= left && x <= left + width && y >= top && y <= top + height)) continue;
        ctx.beginPath();
        ctx.arc(x, y, 5 * px, 0, 2 * Math.PI);
        ctx.stroke();
        drawn += 1;
      }
      ctx.restore();
    }
    this.markersDrawn = drawn;
  }

  /**
   * Draws the annotations over the series, clipped to the plotting box: lines
   * dashed so they never pass for data, labels in the box's corner side.
   * @param {uPlot} u
   */
  _drawAnnotations(u) {
    const items = this.opts.annotations?.() ?? [];
    let drawn = 0;
    if (items.length > 0) {
      const ctx = u.ctx;
      const { left, top, width, height } = u.bbox;
      const theme = this.opts.theme();
      const px = devicePixelRatio;
      ctx.save();
      ctx.beginPath();
      ctx.rect(left, top, width, height);
      ctx.clip();
      ctx.font = theme.font.replace(/^(\d+)px/, (_m, n) => `${Number(n) * px}px`);
      ctx.lineWidth = px;
      for (const item of items) {
        const color = item.color || theme.axis;
        ctx.strokeStyle = color;
        ctx.fillStyle = color;
        if (item.type === "hline") {
          const y = u.valToPos(item.y, "y", true);
          if (!(y >= top && y <= top + height)) continue;
          ctx.setLineDash([6 * px, 4 * px]);
          ctx.beginPath();
          ctx.moveTo(left, Math.round(y) + 0.5);
          ctx.lineTo(left + width, Math.round(y) + 0.5);
          ctx.stroke();
          if (item.label) {
            ctx.textAlign = "left";
            ctx.textBaseline = "bottom";
            ctx.fillText(item.label, left + 4 * px, y - 2 * px);
          }
        } else {
          const x = u.valToPos(item.x, "x", true);
          if (!(x >= left && x <= left + width)) continue;
          ctx.textAlign = x > left + width / 2 ? "right" : "left";
          ctx.textBaseline = "top";
          const gap = (x > left + width / 2 ? -4 : 4) * px;
          if (item.type === "vline") {
            ctx.setLineDash([6 * px, 4 * px]);
            ctx.beginPath();
            ctx.moveTo(Math.round(x) + 0.5, top);
            ctx.lineTo(Math.round(x) + 0.5, top + height);
            ctx.stroke();
            if (item.label) ctx.fillText(item.label, x + gap, top + 2 * px);
          } else {
            // A marker: a small triangle pointing down at x, its text beside it.
            const s = 5 * px;
            ctx.setLineDash([]);
            ctx.beginPath();
            ctx.moveTo(x - s, top);
            ctx.lineTo(x + s, top);
            ctx.lineTo(x, top + 1.6 * s);
            ctx.closePath();
            ctx.fill();
            if (item.text) ctx.fillText(item.text, x + gap + (gap > 0 ? s : -s), top + 2 * px);
          }
        }
        drawn += 1;
      }
      ctx.restore();
    }
    this.annotationsDrawn = drawn;
  }

  /**
   * @param {number} width
   * @param {number} height
   */
  resize(width, height) {
    if (width < 1 || height < 1) return;
    if (this.u.width === width && this.u.height === height) return;
    this.u.setSize({ width, height });
  }

  destroy() {
    const over = this.u.over;
    over.removeEventListener("dblclick", this._onDblClick);
    over.removeEventListener("wheel", this._onWheel);
    over.removeEventListener("mousedown", this._onPanStart, { capture: true });
    window.removeEventListener("mousemove", this._onPanMove);
    window.removeEventListener("mouseup", this._onPanEnd);
    this.u.destroy();
  }

  /** @param {uPlot} u */
  _onSelect(u) {
    const { left, width, top, height } = u.select;
    const plotWidth = u.over.clientWidth;
    if (height >= MIN_DRAG_PX && width >= plotWidth - 1 && height < u.over.clientHeight - 1) {
      // A vertical drag: the box spans the plot's width.
      const a = u.posToVal(top + height, "y");
      const b = u.posToVal(top, "y");
      if (b > a) this.opts.onZoomY?.(a, b);
    } else if (width >= MIN_DRAG_PX) {
      const a = u.posToVal(left, "x");
      const b = u.posToVal(left + width, "x");
      if (b > a) this.opts.onZoom(a, b);
    }
    // The zoom is applied by the next frame; the selection box has done its job.
    u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
  }

  /** @param {uPlot} u */
  _onCursor(u) {
    const left = u.cursor.left;
    this.opts.onHover(left == null || left < 0 ? null : u.posToVal(left, "x"));
  }
}
