import { describe, expect, it } from "vitest";
import { Ring } from "./ring.js";
import {
  CANDLES_SHOWN,
  candlesInView,
  DEFAULT_PLOT_HEIGHT,
  fixBounds,
  followed,
  plotHeightOf,
  plotKey,
  STEADY_SLACK,
  steadied,
  ViewState,
} from "./viewstate.js";

/**
 * Live series over rings, as a view builds them each frame.
 * @param {Ring[]} rings
 * @returns {import("./viewstate.js").ViewSeries[]}
 */
function live(...rings) {
  return rings.map((ring, id) => ({ id, name: `s${id}`, color: "#000", xs: ring.xs(), ys: ring.ys(), ring }));
}

/**
 * @param {number[]} xs
 * @param {number[]} ys
 */
function ring(xs, ys) {
  const r = new Ring(100);
  r.append(Float64Array.from(xs), Float64Array.from(ys));
  return r;
}

describe("ViewState", () => {
  it("follows the data until zoomed, and again after follow()", () => {
    const state = new ViewState();
    const view = live(ring([0, 10], [1, 3]), ring([5, 20], [2, 2]));
    expect(state.following).toBe(true);
    let p = state.picture(view, false);
    expect(p.points).toBe(4);
    expect(p.lastX).toBe(20);
    expect(p.xRange).toEqual([0, 20]);
    expect(p.yRange[0]).toBeLessThan(1);
    expect(p.yRange[1]).toBeGreaterThan(3);

    state.zoomTo(4, 11, false);
    expect(state.following).toBe(false);
    p = state.picture(view, false);
    expect(p.xRange).toEqual([4, 11]);
    // The y range fits the points in view: x 5 and 10 (y 2 and 3), padded by 5 %.
    expect(p.yRange).toEqual([2 - 0.05, 3 + 0.05]);

    state.follow();
    expect(state.picture(view, false).xRange).toEqual([0, 20]);
  });

  it("zooms to whole milliseconds on a time axis", () => {
    const state = new ViewState();
    state.zoomTo(1000.4, 2000.2, true);
    expect(state.zoom).toEqual([1000, 2001]);
  });

  it("keeps the last y range when no point is in view", () => {
    const state = new ViewState();
    const view = live(ring([0, 1], [5, 7]));
    const before = state.picture(view, false).yRange;
    state.zoomTo(50, 60, false);
    expect(state.picture(view, false).yRange).toEqual(before);
  });

  it("draws a frozen copy while paused, and the live rings again once resumed", () => {
    const state = new ViewState();
    const r = ring([1, 2], [1, 2]);
    expect(state.setPaused(true, () => live(r))).toBe(true);
    expect(state.setPaused(true, () => live(r))).toBe(false);
    r.append(Float64Array.of(3), Float64Array.of(3));
    const shown = state.series(live(r));
    expect([...shown[0].xs]).toEqual([1, 2]);
    expect(shown[0].ring).toBe(null);
    expect(state.picture(shown, false).summaries).toEqual([null]);
    expect(state.setPaused(false, () => live(r))).toBe(true);
    expect([...state.series(live(r))[0].xs]).toEqual([1, 2, 3]);
  });

  it("gives every attribute of a picture at once", () => {
    const state = new ViewState();
    expect(state.attributes(null, 0, false)).toEqual({
      following: "true",
      paused: "false",
      points: "0",
      frames: "0",
    });
    const view = live(ring([0, 10], [1, 3]));
    state.zoomTo(2, 8, false);
    const p = state.picture(view, false);
    expect(state.attributes(p, 7, true)).toEqual({
      following: "false",
      paused: "false",
      points: "2",
      frames: "7",
      "x-range": "2 8",
      "y-range": `${p.yRange[0]} ${p.yRange[1]}`,
      "y2-range": "",
      "last-x": "10",
    });
    // No plot (no series yet): no ranges; no point: no last x.
    expect(state.attributes(state.picture([], false), 1, false)).toEqual({
      following: "false",
      paused: "false",
      points: "0",
      frames: "1",
    });
  });
});

describe("ViewState's y axes", () => {
  it("fits each y scale to its own visible series", () => {
    const state = new ViewState();
    const view = live(ring([0, 10], [20, 30]), ring([0, 10], [1000, 2000]));
    view[1].scale = "y2";
    const p = state.picture(view, false);
    expect(p.yRange[0]).toBeLessThan(20);
    expect(p.yRange[1]).toBeGreaterThan(30);
    expect(p.yRange[1]).toBeLessThan(100);
    expect(p.y2Range?.[0]).toBeLessThan(1000);
    expect(p.y2Range?.[0]).toBeGreaterThan(500);
    expect(state.attributes(p, 1, true)["y2-range"]).toBe(`${p.y2Range?.[0]} ${p.y2Range?.[1]}`);
  });

  it("leaves a hidden series out of the y range, and counts its points all the same", () => {
    const state = new ViewState();
    const live2 = () => live(ring([0, 10], [1, 2]), ring([0, 10], [500, 900]));
    const all = state.picture(state.series(live2()), false);
    expect(all.yRange[1]).toBeGreaterThan(900);
    state.toggle("s1", true);
    const view = state.series(live2());
    expect(view[1].visible).toBe(false);
    const some = state.picture(view, false);
    expect(some.yRange[1]).toBeLessThan(3);
    expect(some.points).toBe(4);
    state.toggle("s1", false);
    expect(state.series(live2())[1].visible).not.toBe(false);
    state.toggle("s1", true);
    state.forgetToggles();
    expect(state.series(live2())[1].visible).toBeUndefined();
  });

  it("shows a series hidden by its style once the legend shows it", () => {
    const state = new ViewState();
    const view = live(ring([0], [1]));
    view[0].visible = false;
    state.toggle("s0", false);
    expect(state.series(view)[0].visible).toBe(true);
  });

  it("pads a log scale in decades and keeps it positive", () => {
    const state = new ViewState();
    const p = state.picture(live(ring([0, 1, 2], [1, 100, NaN])), false, { log: true });
    expect(p.yRange[0]).toBeGreaterThan(0);
    expect(Math.log10(p.yRange[0])).toBeCloseTo(-0.1, 9);
    expect(Math.log10(p.yRange[1])).toBeCloseTo(2.1, 9);
  });

  it("puts the fixed bounds in place of the data's, either side alone", () => {
    const state = new ViewState();
    const view = live(ring([0, 10], [5, 15]));
    expect(state.picture(view, false, { fixed: [0, 100] }).yRange).toEqual([0, 100]);
    const low = state.picture(view, false, { fixed: [0, null] }).yRange;
    expect(low[0]).toBe(0);
    expect(low[1]).toBeCloseTo(15.5, 9);
    const high = state.picture(view, false, { fixed: [null, 50] }).yRange;
    expect(high[0]).toBeCloseTo(4.5, 9);
    expect(high[1]).toBe(50);
    expect(state.picture(view, false, { fixed: [] }).yRange).toEqual(state.picture(view, false).yRange);
  });
});

describe("following a part of the window", () => {
  const xs = Float64Array.from({ length: 101 }, (_, i) => 1000 * i);
  const view = [{ xs }, { xs: Float64Array.of(50_000, 100_000) }];

  it("shows the newest span of a time axis, or the whole window when shorter", () => {
    expect(followed(view, [0, 100_000], true, { ms: 10_000 })).toEqual([90_000, 100_000]);
    expect(followed(view, [0, 100_000], true, { ms: 1e9 })).toEqual([0, 100_000]);
    // A span means nothing on a number axis: the whole window.
    expect(followed(view, [0, 100_000], false, { ms: 10_000 })).toEqual([0, 100_000]);
  });

  it("shows the newest points of the longest series", () => {
    expect(followed(view, [0, 100_000], false, { points: 11 })).toEqual([90_000, 100_000]);
    expect(followed(view, [0, 100_000], false, { points: 500 })).toEqual([0, 100_000]);
    expect(followed(view, [0, 100_000], false, {})).toEqual([0, 100_000]);
  });

  it("is what a following picture shows, while zooming out reaches the whole window", () => {
    const state = new ViewState();
    const live1 = live(ring([0, 5, 10, 15, 20], [1, 2, 3, 4, 5]));
    expect(state.picture(live1, false, { follow: { points: 3 } }).xRange).toEqual([10, 20]);
    state.zoomBy(1.5, 20, false);
    expect(state.zoom).toEqual([5, 20]);
    expect(state.picture(live1, false, { follow: { points: 3 } }).xRange).toEqual([5, 20]);
    state.zoomBy(2, 20, false);
    // The whole window, held: following would show only the newest points again.
    expect(state.following).toBe(false);
    expect(state.picture(live1, false, { follow: { points: 3 } }).xRange).toEqual([0, 20]);
    state.zoomBy(2, 20, false);
    expect(state.zoom).toEqual([0, 20]);
    state.follow();
    expect(state.picture(live1, false, { follow: { points: 3 } }).xRange).toEqual([10, 20]);
  });
});

describe("wheel, pan and vertical zoom", () => {
  it("zooms in around the cursor and out no further than the window", () => {
    const state = new ViewState();
    const view = live(ring([0, 100], [0, 1]));
    state.picture(view, false);
    state.zoomBy(0.5, 50, false);
    expect(state.zoom).toEqual([25, 75]);
    state.picture(view, false);
    state.zoomBy(0.5, 25, false);
    expect(state.zoom).toEqual([25, 50]);
    state.picture(view, false);
    // Out near the start: slid back inside the window.
    state.zoomBy(3, 50, false);
    expect(state.zoom).toEqual([0, 75]);
    // Out to the whole window, which following shows: following again.
    state.zoomBy(2, 50, false);
    expect(state.following).toBe(true);
  });

  it("zooms from the last zoom, not the last frame, when wheel events outrun frames", () => {
    const state = new ViewState();
    state.picture(live(ring([0, 100], [0, 1])), false);
    state.zoomBy(0.5, 50, false);
    state.zoomBy(0.5, 50, false);
    expect(state.zoom).toEqual([37.5, 62.5]);
  });

  it("pans within the window", () => {
    const state = new ViewState();
    const view = live(ring([0, 100], [0, 1]));
    state.zoomTo(40, 60, false);
    state.picture(view, false);
    state.panBy(-0.5, false);
    expect(state.zoom).toEqual([30, 50]);
    state.picture(view, false);
    state.panBy(-10, false);
    expect(state.zoom).toEqual([0, 20]);
    state.picture(view, false);
    state.panBy(10, false);
    expect(state.zoom).toEqual([80, 100]);
  });

  it("holds a dragged y range until following again", () => {
    const state = new ViewState();
    const view = live(ring([0, 100], [0, 1]));
    state.zoomY(0.8, 0.2);
    expect(state.picture(view, false, { fixed: [0, 5] }).yRange).toEqual([0.2, 0.8]);
    state.follow();
    expect(state.picture(view, false, { fixed: [0, 5] }).yRange).toEqual([0, 5]);
  });
});

describe("fixBounds", () => {
  it("makes room when a fixed side is beyond every value", () => {
    expect(fixBounds([0, 1], 5, null, false)).toEqual([5, 5.5]);
    expect(fixBounds([0, 1], null, -20, false)).toEqual([-22, -20]);
    expect(fixBounds([0, 1], 0, null, false)).toEqual([0, 1]);
    expect(fixBounds([1, 10], 100, null, true)).toEqual([100, 1000]);
    expect(fixBounds([10, 100], null, 1, true)).toEqual([0.1, 1]);
  });
});

describe("plotKey", () => {
  const axes = { isTime: false, xLabel: "t", yLabel: "v" };
  const view = live(ring([0, 1], [1, 2]), ring([0], [5]));

  it("stays the same while only the data change", () => {
    const before = plotKey(view, axes);
    view[0].ring?.append(Float64Array.of(2), Float64Array.of(3));
    expect(plotKey(live(...view.map((s) => /** @type {Ring} */ (s.ring))), { ...axes })).toBe(before);
  });

  it("changes with the series drawn, their names, the axis labels and the kind of x axis", () => {
    const key = plotKey(view, axes);
    const others = [
      plotKey(view.slice(0, 1), axes),
      plotKey([...view].reverse(), axes),
      plotKey([{ ...view[0], name: "renamed" }, view[1]], axes),
      plotKey([view[0], { ...view[1], id: 7 }], axes),
      plotKey(view, { ...axes, isTime: true }),
      plotKey(view, { ...axes, xLabel: "time" }),
      plotKey(view, { ...axes, yLabel: "" }),
      plotKey(view, { ...axes, log: true }),
      plotKey([{ ...view[0], color: "red" }, view[1]], axes),
      plotKey([{ ...view[0], kind: "bars" }, view[1]], axes),
      plotKey([{ ...view[0], width: 3 }, view[1]], axes),
      plotKey([{ ...view[0], dash: [6, 4] }, view[1]], axes),
      plotKey([{ ...view[0], scale: "y2" }, view[1]], axes),
      plotKey([{ ...view[0], visible: false }, view[1]], axes),
    ];
    for (const other of others) expect(other).not.toBe(key);
    expect(new Set(others).size).toBe(others.length);
  });
});

describe("plotHeightOf", () => {
  it("takes the trait's height in whole pixels", () => {
    expect(plotHeightOf(300)).toBe(300);
    expect(plotHeightOf(41)).toBe(41);
    expect(plotHeightOf(120.6)).toBe(121);
  });

  it("falls back to the default for a height too short for the axes, or none", () => {
    expect(DEFAULT_PLOT_HEIGHT).toBe(300);
    for (const value of [40, 0, -5, NaN, Infinity, undefined, null, "tall"]) {
      expect(plotHeightOf(value), String(value)).toBe(DEFAULT_PLOT_HEIGHT);
    }
  });
});

describe("candle series", () => {
  /**
   * A candle view series of bars starting at xs (width 10), as a candle chart's view builds it.
   * @param {number[]} xs
   * @param {number[][]} ohlc [open, high, low, close] per bar
   * @returns {import("./viewstate.js").ViewSeries}
   */
  const candles = (xs, ohlc) => {
    const col = (/** @type {number} */ k) => Float64Array.from(ohlc.map((bar) => bar[k]));
    return {
      id: 3,
      name: "ACME",
      color: "#000",
      kind: "candles",
      xs: Float64Array.from(xs),
      ys: col(3),
      ring: null,
      extra: [col(0), col(1), col(2)],
      bounds: [
        { ys: col(1), ring: null },
        { ys: col(2), ring: null },
      ],
      barWidth: 10,
    };
  };

  it("ranges y over highs and lows, and x up to the end of the newest bar", () => {
    const state = new ViewState();
    const view = [
      candles(
        [0, 10, 20],
        [
          [5, 9, 1, 6],
          [6, 12, 4, 7],
          [7, 8, 3, 4],
        ],
      ),
    ];
    const picture = state.picture(view, false);
    // The closes alone span 4..7; the bars 1..12 (then padded).
    expect(picture.yRange[0]).toBeLessThan(1);
    expect(picture.yRange[1]).toBeGreaterThan(12);
    expect(picture.xRange[1]).toBeGreaterThanOrEqual(30);
  });

  it("a paused view keeps a copy of every column", () => {
    const state = new ViewState();
    const series = candles([0], [[1, 2, 0, 1.5]]);
    state.setPaused(true, () => [series]);
    /** @type {Float64Array[]} */ (series.extra)[1][0] = 99; // the live data moves on
    const [frozen] = state.series([]);
    expect(frozen.extra?.[1][0]).toBe(2);
    expect(frozen.bounds?.[0].ys).not.toBe(series.bounds?.[0].ys);
  });

  it("lists the candles in view, the newest CANDLES_SHOWN of each family", () => {
    const many = Array.from({ length: CANDLES_SHOWN + 50 }, (_, i) => i * 10);
    const view = [
      candles(
        many,
        many.map((x) => [x, x + 2, x - 1, x + 1]),
      ),
    ];
    const listed = JSON.parse(candlesInView(view, [0, 1e9]));
    expect(listed.ACME).toHaveLength(CANDLES_SHOWN);
    const last = many[many.length - 1];
    expect(listed.ACME[CANDLES_SHOWN - 1]).toEqual([last, last, last + 2, last - 1, last + 1]);
    const some = JSON.parse(candlesInView(view, [100, 125]));
    expect(some.ACME.map((/** @type {number[]} */ row) => row[0])).toEqual([100, 110, 120]);
  });
});

describe("steadied", () => {
  it("keeps the width shown while the window's span stays within the slack below it", () => {
    const [range, span] = steadied([0, 100], 0);
    // A first width: half the slack wider than the window, ending at the newest x.
    expect(span).toBeCloseTo(100 * (1 + STEADY_SLACK / 2));
    expect(range[1]).toBe(100);
    expect(range[1] - range[0]).toBeCloseTo(span);
    // The span drifts a little either way: the width holds, the range ends at the newest x.
    for (const [lo, hi] of [
      [10, 111],
      [20, 119],
      [31, 131],
    ]) {
      const [r, s] = steadied([lo, hi], span);
      expect(s).toBe(span);
      expect(r).toEqual([hi - span, hi]);
    }
  });

  it("takes a new width when the span outgrows the width or falls short by more than the slack", () => {
    const span = 100;
    const wider = steadied([0, 101], span);
    expect(wider[1]).toBeCloseTo(101 * (1 + STEADY_SLACK / 2));
    const narrower = 100 / (1 + STEADY_SLACK) - 1;
    const shrunk = steadied([0, narrower], span);
    expect(shrunk[1]).toBeCloseTo(narrower * (1 + STEADY_SLACK / 2));
  });

  it("leaves an empty or one-point window as it is", () => {
    expect(steadied([5, 5], 10)).toEqual([[5, 5], 0]);
  });

  it("is what a steady view follows its whole window with, not a view following a span", () => {
    const state = new ViewState();
    const r = new Ring(100);
    r.append(Float64Array.from([0, 100]), Float64Array.from([1, 2]));
    const first = state.picture(live(r), false, { steady: true }).xRange;
    expect(first[1]).toBe(100);
    expect(first[1] - first[0]).toBeCloseTo(100 * (1 + STEADY_SLACK / 2));
    r.append(Float64Array.from([101]), Float64Array.from([3]));
    const view = live(r);
    const next = state.picture(view, false, { steady: true }).xRange;
    expect(next[1]).toBe(101);
    expect(next[1] - next[0]).toBeCloseTo(first[1] - first[0]);
    // Without `steady`, the range is the window's own.
    expect(new ViewState().picture(view, false).xRange).toEqual([0, 101]);
    // Following a span of the window: that span, steady or not.
    const spanned = new ViewState().picture(view, false, { steady: true, follow: { points: 2 } }).xRange;
    expect(spanned).toEqual([100, 101]);
  });
});
