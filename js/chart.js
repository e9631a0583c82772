// @ts-check
/** @import { SeriesStyle, SummaryOf } from "./kinds/index.js" */
/** @import { Summarise } from "./trace.js" */
/** @import { Theme } from "./theme.js" */
import uPlot from "uplot";
import { facet, faceted } from "./facets.js";
import { chartKind } from "./kinds/index.js";
import { nearestIndex } from "./ranges.js";

/**
 * The uPlot plot. Series of a grouped feed have x values of their own, so the
 * plot uses uPlot's mode 2 (one [xs, ys] pair per series). The caller decides
 * both scale ranges every frame; uPlot's own autoscaling is off. How each
 * series is drawn (a line, ...) is the chart's kind (see kinds/index.js).
 *
 * @typedef {{
 *   kind?: string,
 *   isTime: boolean,
 *   xLabel: string,
 *   yLabel: string,
 *   width: number,
 *   height: number,
 *   theme: () => Theme,
 *   onZoom: (min: number, max: number) => void,
 *   onFollow: () => void,
 *   onHover: (x: number | null) => void,
 * }} ChartOptions
 *   kind: a name from kinds/index.js ("line" when not given)
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
   * @param {SeriesStyle[]} series at least one
   * @param {ChartOptions} opts
   */
  constructor(parent, series, opts) {
    const kind = chartKind(opts.kind);
    this.opts = opts;
    /** Per series, summaries of the data last drawn (see trace.js), or null.
     *  @type {Array<Summarise | null>} */
    this._summaries = [];
    /** @type {SummaryOf} */
    const summaryOf = (si) => this._summaries[si - 1] ?? null;
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
          ...kind.series(s, summaryOf),
          label: s.name,
          auto: false,
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
          const [xs, ys] = facet(u, si);
          const i = nearestIndex(xs, u.posToVal(left, "x"));
          return i < 0 || !Number.isFinite(ys[i]) ? null : i;
        },
      },
      hooks: {
        setSelect: [(u) => this._onSelect(u)],
        setCursor: [(u) => this._onCursor(u)],
      },
    };
    this.u = new uPlot(options, faceted(series.map(() => [new Float64Array(0), new Float64Array(0)])), parent);
    this._onDblClick = () => opts.onFollow();
    this.u.over.addEventListener("dblclick", this._onDblClick);
  }

  /**
   * Draws one frame.
   * @param {Array<[ArrayLike<number>, ArrayLike<number>]>} data per series, in the constructor's order
   * @param {[number, number]} xRange
   * @param {[number, number]} yRange
   * @param {Array<Summarise | null>} [summaries] per series, of the same data
   */
  draw(data, xRange, yRange, summaries = []) {
    const u = this.u;
    this._summaries = summaries;
    u.batch(() => {
      u.setData(faceted(data), false);
      u.setScale("x", { min: xRange[0], max: xRange[1] });
      u.setScale("y", { min: yRange[0], max: yRange[1] });
    });
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
