// @ts-check
import uPlot from "uplot";
import { lowerBound, nearestIndex, upperBound } from "./ranges.js";
import { traceLine } from "./trace.js";

/**
 * The uPlot plot. Series of a grouped feed have x values of their own, so the
 * plot uses uPlot's mode 2 (one [xs, ys] pair per series). The caller decides
 * both scale ranges every frame; uPlot's own autoscaling is off.
 *
 * @typedef {{id: number, name: string, color: string}} SeriesStyle
 * @typedef {{
 *   isTime: boolean,
 *   xLabel: string,
 *   yLabel: string,
 *   width: number,
 *   height: number,
 *   theme: () => import("./theme.js").Theme,
 *   onZoom: (min: number, max: number) => void,
 *   onFollow: () => void,
 *   onHover: (x: number | null) => void,
 * }} ChartOptions
 */

/**
 * Tick steps of time axes, in milliseconds: uPlot's own, plus 2 s and 2 min.
 * Live windows are often a few seconds to minutes wide, and uPlot jumps from
 * 1 s to 5 s (and 1 to 5 min), which leaves a narrow chart with a single tick.
 */
const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
const TIME_INCRS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500,
  S, 2 * S, 5 * S, 10 * S, 15 * S, 30 * S,
  M, 2 * M, 5 * M, 10 * M, 15 * M, 30 * M,
  H, 2 * H, 3 * H, 4 * H, 6 * H, 8 * H, 12 * H,
  D, 2 * D, 3 * D, 4 * D, 5 * D, 6 * D, 7 * D, 8 * D, 9 * D, 10 * D, 15 * D,
  30 * D, 60 * D, 90 * D, 120 * D, 180 * D,
  365 * D, 2 * 365 * D, 5 * 365 * D, 10 * 365 * D, 25 * 365 * D, 50 * 365 * D, 100 * 365 * D,
];

/** A drag narrower than this many CSS pixels is a click, not a zoom. */
const MIN_DRAG_PX = 3;

/**
 * Builds a series' line through the points in view, breaking at NaN.
 * @param {uPlot} u
 * @param {number} si
 * @param {import("./trace.js").Summarise | null | undefined} summarise
 */
function linePaths(u, si, summarise) {
  const [xs, ys] = /** @type {any} */ (u.data[si]);
  const { min, max } = u.scales.x;
  if (min == null || max == null || xs.length === 0) return null;
  // One point beyond each edge so the line runs to the border of the plot.
  const i0 = Math.max(0, lowerBound(xs, min) - 1);
  const i1 = Math.min(xs.length - 1, upperBound(xs, max));
  // Both scales are linear, so the pixel mapping is done inline rather than
  // through valToPos, which is the hot loop with long windows.
  const { left, top, width, height } = u.bbox;
  const kx = width / (max - min);
  const { min: y0, max: y1 } = u.scales.y;
  if (y0 == null || y1 == null) return null;
  const ky = height / (y1 - y0);
  const stroke = new Path2D();
  traceLine(
    stroke,
    xs,
    ys,
    i0,
    i1,
    (x) => left + (x - min) * kx,
    (y) => top + (y1 - y) * ky,
    summarise ?? undefined,
  );
  return { stroke, fill: null, clip: null, band: null, gaps: null, flags: 0 };
}

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
  if (cycleNum > 1) return /** @type {any} */ (axis)._size;
  let size = (axis.ticks?.size ?? 10) + (axis.gap ?? 5) + 4;
  const longest = (values ?? []).reduce((acc, v) => (String(v).length > acc.length ? String(v) : acc), "");
  if (longest) {
    u.ctx.font = /** @type {any} */ (axis.font)[0];
    size += u.ctx.measureText(longest).width / devicePixelRatio;
  }
  return Math.ceil(size);
}

export class Chart {
  /**
   * @param {HTMLElement} parent
   * @param {SeriesStyle[]} series at least one
   * @param {ChartOptions} opts
   */
  constructor(parent, series, opts) {
    this.opts = opts;
    /** Per series, summaries of the data last drawn (see trace.js), or null.
     *  @type {Array<import("./trace.js").Summarise | null>} */
    this._summaries = [];
    const theme = opts.theme;
    const axisCommon = () => ({
      stroke: () => theme().axis,
      font: theme().font,
      labelFont: theme().font,
      grid: { stroke: () => theme().grid, width: 1 },
      ticks: { stroke: () => theme().grid, width: 1, size: 5 },
    });
    /** @type {uPlot.Options} */
    const options = {
      mode: 2,
      ms: 1, // time x values are epoch milliseconds
      width: Math.max(1, opts.width),
      height: Math.max(1, opts.height),
      pxAlign: 0,
      legend: { show: false },
      scales: {
        x: { time: opts.isTime, auto: false, range: (_u, lo, hi) => [lo, hi] },
        y: { auto: false, range: (_u, lo, hi) => [lo, hi] },
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
      ],
      series: [
        {},
        ...series.map((s) => ({
          label: s.name,
          stroke: s.color,
          width: 1.5,
          auto: false,
          paths: (/** @type {uPlot} */ u, /** @type {number} */ si) => linePaths(u, si, this._summaries[si - 1]),
          points: { show: false },
          facets: [
            { scale: "x", auto: false, sorted: 1 },
            { scale: "y", auto: false },
          ],
        })),
      ],
      cursor: {
        drag: { x: true, y: false, setScale: false },
        // Double-click returns to following (handled below), not uPlot's autoscale.
        bind: { dblclick: () => null },
        points: { size: 7, width: 1.5 },
        dataIdx: (u, si) => {
          const left = u.cursor.left;
          if (left == null || left < 0) return null;
          const [xs, ys] = /** @type {any} */ (u.data[si]);
          const i = nearestIndex(xs, u.posToVal(left, "x"));
          return i < 0 || !Number.isFinite(ys[i]) ? null : i;
        },
      },
      hooks: {
        setSelect: [(u) => this._onSelect(u)],
        setCursor: [(u) => this._onCursor(u)],
      },
    };
    const empty = [null, ...series.map(() => [new Float64Array(0), new Float64Array(0)])];
    this.u = new uPlot(options, /** @type {any} */ (empty), parent);
    this._onDblClick = () => opts.onFollow();
    this.u.over.addEventListener("dblclick", this._onDblClick);
  }

  /**
   * Draws one frame.
   * @param {Array<[ArrayLike<number>, ArrayLike<number>]>} data per series, in the constructor's order
   * @param {[number, number]} xRange
   * @param {[number, number]} yRange
   * @param {Array<import("./trace.js").Summarise | null>} [summaries] per series, of the same data
   */
  draw(data, xRange, yRange, summaries = []) {
    const u = this.u;
    this._summaries = summaries;
    u.batch(() => {
      u.setData(/** @type {any} */ ([null, ...data]), false);
      u.setScale("x", { min: xRange[0], max: xRange[1] });
      u.setScale("y", { min: yRange[0], max: yRange[1] });
    });
  }

  /** Redraws with the current data and ranges (after a theme change). */
  redraw() {
    this.u.redraw(true, true);
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
    this.u.over.removeEventListener("dblclick", this._onDblClick);
    this.u.destroy();
  }

  /** @param {uPlot} u */
  _onSelect(u) {
    const { left, width } = u.select;
    if (width >= MIN_DRAG_PX) {
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
