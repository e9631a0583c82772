// @ts-check
/** @import uPlot from "uplot" */
/** @import { PlotView } from "./mapping.js" */
import { faceted } from "../facets.js";

/**
 * Fakes the tests of the kinds share: the part of a uPlot plot a paths builder
 * reads, and pens that record what is drawn instead of a Path2D (there is no
 * canvas outside a browser).
 */

/** @param {number[]} v */
export const f64 = (...v) => Float64Array.from(v);

/**
 * The parts of a uPlot plot a paths builder reads: mode 2 data (a null, then
 * one [xs, ys] pair per series), the scales and the plotting box.
 * @param {Array<[Float64Array, Float64Array]>} pairs
 * @param {{min?: number, max?: number}} x scale range; unset before the plot first sets it
 * @param {{min?: number, max?: number}} y
 * @param {{left: number, top: number, width: number, height: number}} bbox
 * @param {Record<string, {min?: number, max?: number}>} others more scales, by key ("y2")
 * @returns {PlotView}
 */
export function plot(pairs, x, y, bbox = { left: 0, top: 0, width: 100, height: 100 }, others = {}) {
  return { data: faceted(pairs), scales: { x, y, ...others }, bbox };
}

/** @typedef {[string, ...number[]]} Op a pen call: "M", "L", "R" (rect), "A" (arc) or "Z", and its numbers */

/**
 * A pen that records its calls: stands in for Path2D (see `drawn`) to follow
 * a kind's series options through to what they draw.
 */
export class Recorder {
  constructor() {
    /** @type {Op[]} */
    this.ops = [];
  }

  /** @param {number} x @param {number} y */
  moveTo(x, y) {
    this.ops.push(["M", x, y]);
  }

  /** @param {number} x @param {number} y */
  lineTo(x, y) {
    this.ops.push(["L", x, y]);
  }

  /** @param {number} x @param {number} y @param {number} w @param {number} h */
  rect(x, y, w, h) {
    this.ops.push(["R", x, y, w, h]);
  }

  /** @param {number} x @param {number} y @param {number} r */
  arc(x, y, r) {
    this.ops.push(["A", x, y, r]);
  }

  closePath() {
    this.ops.push(["Z"]);
  }
}

/** A maker of recording pens, and the record of each pen made. */
export function pens() {
  /** @type {Array<Op[]>} */
  const made = [];
  const newPen = () => {
    const pen = new Recorder();
    made.push(pen.ops);
    return pen;
  };
  return { made, newPen };
}

/**
 * A series style as the chart gives one: a solid 1.5 px stroke on the linear
 * "y" scale, unless told otherwise.
 * @param {Partial<import("./index.js").SeriesStyle>} [style]
 * @returns {import("./index.js").SeriesStyle}
 */
export function styled(style = {}) {
  return { id: 0, name: "s", color: "#123456", width: 1.5, dash: [], scale: "y", log: false, ...style };
}

/** The linear "y" scale. */
export const Y = { scale: "y", log: false };

/**
 * What a kind's series options draw of series `si`, with Path2D stood in for
 * by a Recorder: the paths of the series' builder, or null.
 * @param {uPlot.Series} options
 * @param {PlotView} u
 * @param {number} si
 * @returns {{stroke?: Recorder | null, fill?: Recorder | null} | null}
 */
export function drawn(options, u, si) {
  const paths = /** @type {NonNullable<uPlot.Series["paths"]>} */ (options.paths);
  const g = /** @type {{Path2D?: unknown}} */ (/** @type {unknown} */ (globalThis));
  const before = g.Path2D;
  g.Path2D = Recorder;
  try {
    // The builder reads only the PlotView part of the plot.
    const made = paths(/** @type {uPlot} */ (/** @type {unknown} */ (u)), si, 0, 0);
    return /** @type {{stroke?: Recorder | null, fill?: Recorder | null} | null} */ (/** @type {unknown} */ (made));
  } finally {
    if (before === undefined) delete g.Path2D;
    else g.Path2D = before;
  }
}
