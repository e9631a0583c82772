// @ts-check
/** @import uPlot from "uplot" */
/** @import { SeriesStyle, SummaryOf } from "./kinds/index.js" */

import { pixelMap, pxRatio } from "./kinds/mapping.js";
import { upperBound } from "./ranges.js";
import { traceLine } from "./trace.js";

/**
 * The lines of a chart of many series, kept on a layer of their own that moves
 * with the x axis.
 *
 * Without a GPU, a frame's cost is the pixels its lines cover: 500 series of 200
 * noisy points cover most of the plot many times over, about 250 ms per frame
 * here, however the paths are batched. But a chart that follows its newest
 * points mostly shows, frame after frame, the same lines moved left by a few
 * pixels, with a few new segments at the right edge. So the layer is drawn in
 * full once, then moved by whole pixels and given only the segments that are
 * new, until something else changes (the size, a late point landing among old
 * ones, a zoom, a y range that moved): then it is drawn in full again.
 *
 * Moving by whole pixels leaves the layer up to half a pixel off the axes, and
 * ranges that change slowly (the x span of a window of a number of points, a y
 * range following the data) stretch the true picture under a layer that keeps
 * its mapping; the layer is drawn again before that puts a line more than
 * MAX_DRIFT_PX away from where it belongs.
 */

/** Charts of at least this many series draw their lines on a layer. Fewer
 *  series (fewer pixels) are drawn in full every frame within its time. */
export const LAYER_MIN_SERIES = 50;

/** The furthest a line on the layer may stand from its true place, in pixels. */
export const MAX_DRIFT_PX = 1;

/**
 * How a layer maps values to its pixels: x value `origin` at its left edge and
 * `kx` pixels per x unit; for each y scale (by key), value `top` at its top
 * edge and `ky` pixels per unit (of log10 of the value on a log scale).
 * @typedef {{
 *   key: string,
 *   width: number,
 *   height: number,
 *   origin: number,
 *   kx: number,
 *   ys: Record<string, {top: number, ky: number}>,
 * }} LayerFrame
 *   key: everything else that places its pixels (data edits, styles)
 */

/**
 * How to bring a layer drawn as `held` to the x range [min, max] and the y
 * ranges `yRanges` (by scale key, [bottom, top] in the scale's units: log10 on
 * a log scale) over `width` × `height` pixels: `full` (draw it again), or move
 * it left by `shift` whole pixels and keep its mapping; in both cases the frame
 * it then holds.
 * @param {LayerFrame | null} held
 * @param {string} key
 * @param {number} min
 * @param {number} max
 * @param {number} width
 * @param {number} height
 * @param {Record<string, [number, number]>} yRanges
 * @returns {{full: boolean, shift: number, frame: LayerFrame}}
 */
export function planLayer(held, key, min, max, width, height, yRanges) {
  const kx = width / (max - min);
  /** @type {LayerFrame["ys"]} */
  const ys = {};
  let usable = kx > 0 && Number.isFinite(kx);
  for (const [scale, [lo, hi]] of Object.entries(yRanges)) {
    const ky = height / (hi - lo);
    usable &&= ky > 0 && Number.isFinite(ky);
    ys[scale] = { top: hi, ky };
  }
  const fresh = { full: true, shift: 0, frame: { key, width, height, origin: min, kx, ys } };
  if (!held || !usable || held.key !== key || held.width !== width || held.height !== height) return fresh;
  const at = (min - held.origin) * held.kx; // the new left edge, in the layer's pixels
  const shift = Math.round(at);
  if (shift < 0 || shift >= width) return fresh;
  // How far a point lands from its true place: the rounding of the shift and the
  // difference of x scales over the span, plus the worst of the y scales' (a
  // difference of linear maps is largest at an end of the range).
  let drift = Math.abs(at - shift) + Math.abs(held.kx - kx) * (max - min);
  let yDrift = 0;
  for (const [scale, [lo, hi]] of Object.entries(yRanges)) {
    const was = held.ys[scale];
    if (!was) return fresh;
    const now = ys[scale];
    for (const v of [lo, hi]) {
      yDrift = Math.max(yDrift, Math.abs((was.top - v) * was.ky - (now.top - v) * now.ky));
    }
  }
  drift += yDrift;
  if (drift > MAX_DRIFT_PX) return fresh;
  const origin = held.origin + shift / held.kx;
  return { full: false, shift, frame: { ...held, key, origin } };
}

export class SeriesLayer {
  /**
   * @param {ReadonlyArray<SeriesStyle>} styles of the plot's series, in order
   * @param {SummaryOf} summaryOf the summaries of a series' data, if any
   */
  constructor(styles, summaryOf) {
    this.styles = styles;
    this.summaryOf = summaryOf;
    this.canvas = document.createElement("canvas");
    const ctx = this.canvas.getContext("2d");
    if (!ctx) throw new Error("no 2D canvas context");
    this.ctx = ctx;
    /** @type {LayerFrame | null} */
    this.frame = null;
    /** Per series, the greatest x on the layer (-Infinity for none). @type {number[]} */
    this.drawnTo = styles.map(() => -Infinity);
    /** Per series, the x of the last point inside the layer when its segment to
     *  the next one ran out past the right edge (cut there), or null. @type {Array<number | null>} */
    this.cutAt = styles.map(() => null);
    /** Paints that drew the layer in full, and paints that moved it. */
    this.full = 0;
    this.moved = 0;
  }

  /**
   * Brings the layer up to date with the plot's data and scales, and copies it
   * into the plot's box. Called from uPlot's draw hook, after axes and grid.
   * @param {uPlot} u
   * @param {string} key what else places the layer's pixels (data edits)
   */
  paint(u, key) {
    const { left, top, width, height } = u.bbox;
    const { min, max } = u.scales.x;
    if (min == null || max == null || width < 1 || height < 1) return;
    /** @type {Record<string, [number, number]>} */
    const yRanges = {};
    for (const style of this.styles) {
      const scale = u.scales[style.scale];
      if (!scale || scale.min == null || scale.max == null) return;
      yRanges[style.scale] = style.log ? [Math.log10(scale.min), Math.log10(scale.max)] : [scale.min, scale.max];
    }
    const plan = planLayer(this.frame, key, min, max, Math.round(width), Math.round(height), yRanges);
    const ctx = this.ctx;
    if (plan.full) {
      this.canvas.width = plan.frame.width; // also clears it
      this.canvas.height = plan.frame.height;
      this.drawnTo.fill(-Infinity);
      this.cutAt.fill(null);
      this.full += 1;
    } else {
      if (plan.shift > 0) {
        ctx.globalCompositeOperation = "copy";
        ctx.drawImage(this.canvas, -plan.shift, 0);
        ctx.globalCompositeOperation = "source-over";
      }
      this.moved += 1;
    }
    this.frame = plan.frame;
    const { origin, kx } = plan.frame;
    const toPx = (/** @type {number} */ x) => (x - origin) * kx;
    let oldest = Infinity; // the earliest point any line still has
    for (let si = 1; si < u.series.length; si++) {
      const style = this.styles[si - 1];
      if (!style || !u.series[si].show) continue;
      const m = pixelMap(u, si, style.scale, style.log);
      if (!m) continue;
      if (m.xs.length > 0) oldest = Math.min(oldest, m.xs[0]);
      // From the last point on the layer (its segment to the next one is new); or,
      // when the layer moved and the series was cut at the right edge, from the
      // point before the cut, so that the segment is drawn whole.
      const cut = plan.shift > 0 ? this.cutAt[si - 1] : null;
      const after = cut ?? this.drawnTo[si - 1];
      const from = Math.max(m.i0, upperBound(m.xs, after) - 1);
      if (from >= m.i1 && !plan.full) continue;
      const { top: yTop, ky } = plan.frame.ys[style.scale];
      const toPy = style.log
        ? (/** @type {number} */ y) => (yTop - Math.log10(y)) * ky
        : (/** @type {number} */ y) => (yTop - y) * ky;
      ctx.beginPath();
      // Summaries fold dense columns; a few new points need none.
      const summarise = plan.full && !style.log ? this.summaryOf(si) : null;
      traceLine(ctx, m.xs, m.ys, from, m.i1, toPx, toPy, summarise ?? undefined);
      ctx.strokeStyle = style.color;
      ctx.lineWidth = style.width * pxRatio();
      ctx.setLineDash(style.dash.map((d) => d * pxRatio()));
      ctx.stroke();
      this.drawnTo[si - 1] = m.xs[m.i1];
      const inside = upperBound(m.xs, max) - 1;
      this.cutAt[si - 1] = m.xs[m.i1] > max && inside >= 0 ? m.xs[inside] : null;
    }
    // Segments to points that have left the window stay on a moved layer: the part
    // left of the earliest point still held is not copied (a full drawing has none).
    const w = plan.frame.width;
    const cut = Number.isFinite(oldest) ? Math.min(w, Math.max(0, Math.floor(toPx(oldest)))) : 0;
    if (cut < w) {
      const h = plan.frame.height;
      u.ctx.drawImage(this.canvas, cut, 0, w - cut, h, Math.round(left) + cut, Math.round(top), w - cut, h);
    }
  }
}
