// @ts-check
/**
 * Colours for the canvas. A canvas cannot use CSS variables, so the JupyterLab
 * theme variables are read from the element's computed style, falling back to
 * the element's own text colour outside JupyterLab.
 */

/**
 * Series colours: twenty mid-tone hues, dark enough to read on white and light
 * enough to read on near-black (theme.test.js holds both contrasts and the
 * distance between any two). Ten saturated hues come first; the second ten are
 * deeper or duller variants placed so that neighbours differ most.
 */
export const PALETTE = [
  "#3b82f6", // blue
  "#f97316", // orange
  "#10b981", // green
  "#ef4444", // red
  "#a855f7", // purple
  "#0ea5e9", // sky
  "#d97706", // amber
  "#ec4899", // pink
  "#65a30d", // lime
  "#14b8a6", // teal
  "#6366f1", // indigo
  "#8d6e63", // taupe
  "#0891b2", // cyan
  "#e11d48", // crimson
  "#16a34a", // leaf
  "#c026d3", // fuchsia
  "#b45309", // brown
  "#64748b", // slate
  "#be185d", // raspberry
  "#4d7c0f", // olive
];

/**
 * Colour of a series, stable for the life of the widget because ids are.
 * @param {number} id
 */
export function seriesColor(id) {
  return PALETTE[((id % PALETTE.length) + PALETTE.length) % PALETTE.length];
}

/**
 * @typedef {{axis: string, grid: string, font: string}} Theme
 *   axis: colour of tick labels and axis labels; grid: colour of grid lines and
 *   ticks; font: CSS font of the axes' text
 */

/**
 * @param {Element} el
 * @returns {Theme}
 */
export function readTheme(el) {
  const cs = getComputedStyle(el);
  const v = (/** @type {string} */ name) => cs.getPropertyValue(name).trim();
  const text = v("--jp-ui-font-color1") || cs.color || "#333";
  const axis = v("--jp-ui-font-color2") || text;
  const grid = v("--jp-border-color2") || withAlpha(text, 0.15);
  const fontFamily = v("--jp-ui-font-family") || cs.fontFamily || "sans-serif";
  return { axis, grid, font: `11px ${fontFamily}` };
}

/**
 * The colour with a new alpha, for rgb()/rgba() colours (what computed styles
 * give); other colours are returned unchanged.
 * @param {string} color
 * @param {number} alpha
 */
export function withAlpha(color, alpha) {
  const m = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/.exec(color);
  return m ? `rgba(${m[1]}, ${m[2]}, ${m[3]}, ${alpha})` : color;
}

/**
 * A colour of the palette ("#rrggbb") made translucent (alpha 0.35), for what
 * is drawn behind a series in its colour, such as a candle family's volume
 * bars; any other colour (a user's) as it is.
 * @param {string} color
 */
export function translucent(color) {
  return /^#[0-9a-f]{6}$/i.test(color) ? `${color}59` : color;
}
