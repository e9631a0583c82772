// @ts-check
import { formatValue, formatX } from "./format.js";
import { nearestIndex } from "./ranges.js";

/**
 * The legend: one entry per series with its colour, name and a value, which is
 * the latest value, or while the cursor is over the plot the value nearest to
 * the cursor's x. A click on an entry hides its series, or shows it again.
 */

/**
 * @typedef {{id: number, name: string, color: string, xs: ArrayLike<number>, ys: ArrayLike<number>,
 *   visible?: boolean, extra?: ReadonlyArray<ArrayLike<number>>}} LegendSeries
 *   visible: false for a hidden series; extra: the open, high and low of a
 *   candle series (whose ys are the closes), shown with the close
 */

/**
 * Value shown for each series: at the x nearest to `hoverX`, or the latest when
 * not hovering. NaN for an empty series or a gap.
 * @param {LegendSeries[]} series
 * @param {number | null} hoverX
 * @returns {number[]}
 */
export function legendValues(series, hoverX) {
  return series.map(({ xs, ys }) => ys[legendIndex(xs, hoverX)] ?? NaN);
}

/**
 * The index of the point a legend entry shows: the nearest to `hoverX`, or
 * the last when not hovering; -1 for none.
 * @param {ArrayLike<number>} xs
 * @param {number | null} hoverX
 */
function legendIndex(xs, hoverX) {
  if (xs.length === 0) return -1;
  return hoverX == null ? xs.length - 1 : nearestIndex(xs, hoverX);
}

/**
 * The text of each series' legend value: its value, or for a candle series
 * the bar's open, high, low and close ("O 1 H 2 L 0.5 C 1.5").
 * @param {LegendSeries[]} series
 * @param {number | null} hoverX
 * @returns {string[]}
 */
export function legendTexts(series, hoverX) {
  return series.map((s) => legendText(s, hoverX));
}

/**
 * The text of one series' legend value (see legendTexts).
 * @param {LegendSeries} s
 * @param {number | null} hoverX
 */
function legendText(s, hoverX) {
  const i = legendIndex(s.xs, hoverX);
  if (!s.extra) return formatValue(s.ys[i] ?? NaN);
  if (i < 0) return formatValue(NaN);
  const [open, high, low] = s.extra;
  const parts = [
    ["O", open[i]],
    ["H", high[i]],
    ["L", low[i]],
    ["C", s.ys[i]],
  ];
  return parts.map(([label, v]) => `${label} ${formatValue(Number(v))}`).join(" ");
}

/**
 * From this many entries on, only those in sight in the legend (which scrolls)
 * get new values each frame: a new text in each of 500 entries of a wrapping
 * list lays the whole list out again, every frame, for values nobody can see.
 */
export const LEGEND_SIGHT_MIN = 50;

export class Legend {
  /**
   * @param {(name: string, visible: boolean) => void} [onToggle] called with a
   *   series' name and whether it is visible now, when its entry is clicked
   */
  constructor(onToggle) {
    this.el = document.createElement("div");
    this.el.className = "livefeed-legend";
    this.cursor = document.createElement("span");
    this.cursor.className = "livefeed-legend-x";
    this.list = document.createElement("ul");
    this.list.className = "livefeed-legend-list";
    this.el.append(this.cursor, this.list);
    this._onToggle = onToggle;
    /** @type {Text[]} */
    this._values = [];
    this._key = "";
    /**
     * Entries in sight, once an observer has said; null: update all.
     * @type {Set<number> | null}
     */
    this._inSight = null;
    /** @type {IntersectionObserver | null} */
    this._observer = null;
    /** @type {[LegendSeries[], number | null] | null} what the last update showed */
    this._last = null;
  }

  /**
   * Watches which entries are in sight, when there are many (LEGEND_SIGHT_MIN).
   * @param {HTMLElement[]} items
   */
  _watch(items) {
    this._observer?.disconnect();
    this._observer = null;
    this._inSight = null;
    if (items.length < LEGEND_SIGHT_MIN || typeof IntersectionObserver === "undefined") return;
    const index = new Map(items.map((item, k) => [item, k]));
    this._observer = new IntersectionObserver(
      (entries) => {
        const inSight = this._inSight ?? new Set();
        /** @type {number[]} */
        const arrived = [];
        for (const entry of entries) {
          const k = index.get(/** @type {HTMLElement} */ (entry.target)) ?? -1;
          if (entry.isIntersecting) {
            inSight.add(k);
            arrived.push(k);
          } else inSight.delete(k);
        }
        this._inSight = inSight;
        // An entry scrolled into sight shows the value it would have had all along.
        if (this._last) this._write(this._last[0], this._last[1], arrived);
      },
      { root: this.el },
    );
    for (const item of items) this._observer.observe(item);
  }

  /**
   * Rebuilds the entries when the series (or their names) changed.
   * @param {LegendSeries[]} series
   */
  setSeries(series) {
    const key = JSON.stringify(series.map((s) => [s.id, s.name, s.color, s.visible !== false]));
    if (key === this._key) return;
    this._key = key;
    this.list.replaceChildren();
    /** @type {HTMLElement[]} */
    const items = [];
    this._values = series.map((s) => {
      const item = document.createElement("li");
      const visible = s.visible !== false;
      item.className = visible ? "livefeed-legend-item" : "livefeed-legend-item livefeed-legend-hidden";
      // A button inside the entry: reachable by keyboard, and announced as a toggle.
      item.setAttribute("role", "button");
      item.tabIndex = 0;
      item.setAttribute("aria-pressed", String(visible));
      item.title = visible ? `Hide ${s.name}` : `Show ${s.name}`;
      const toggle = () => this._onToggle?.(s.name, visible);
      item.addEventListener("click", toggle);
      item.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          toggle();
        }
      });
      const swatch = document.createElement("span");
      swatch.className = "livefeed-swatch";
      swatch.style.backgroundColor = s.color;
      const name = document.createElement("span");
      name.className = "livefeed-legend-name";
      name.textContent = s.name;
      name.title = s.name;
      const value = document.createElement("span");
      value.className = "livefeed-legend-value";
      const text = document.createTextNode("–");
      value.append(text);
      item.append(swatch, name, value);
      this.list.append(item);
      items.push(item);
      return text;
    });
    this._watch(items);
  }

  /**
   * @param {LegendSeries[]} series the same list last given to setSeries
   * @param {number | null} hoverX
   * @param {boolean} isTime
   * @param {string} [tz] the zone of times (see format.js zonedDate)
   */
  update(series, hoverX, isTime, tz = "local") {
    this._last = [series, hoverX];
    this._write(series, hoverX, this._inSight ?? series.keys());
    const label = hoverX == null ? "" : `at ${formatX(hoverX, isTime, tz)}`;
    if (this.cursor.textContent !== label) this.cursor.textContent = label;
  }

  /** Stops watching the entries (the view is gone). */
  destroy() {
    this._observer?.disconnect();
    this._observer = null;
  }

  /**
   * Writes the values of the entries at `indices`.
   * @param {LegendSeries[]} series
   * @param {number | null} hoverX
   * @param {Iterable<number>} indices
   */
  _write(series, hoverX, indices) {
    for (const i of indices) {
      if (i >= series.length || i >= this._values.length) continue;
      const t = legendText(series[i], hoverX);
      if (this._values[i].data !== t) this._values[i].data = t;
    }
  }
}
