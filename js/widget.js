// @ts-check
/** @import { AnyModel, AnyWidget, Initialize, Render } from "@anywidget/types" */
/** @import { FeedStats } from "./badge.js" */
/** @import { Annotation } from "./chart.js" */
/** @import { Theme } from "./theme.js" */
/** @import { ViewSeries } from "./viewstate.js" */
import { Badge, describeStatus } from "./badge.js";
import { Chart } from "./chart.js";
import { DirectFeed, POINTS_EVERY_MS, POINTS_MAX } from "./direct.js";
import { pngName } from "./format.js";
import { kernelBusy, kernelState } from "./kernel.js";
import { Legend } from "./legend.js";
import { LinkRegistry } from "./links.js";
import { newPageId, Pictures, pictureRequest } from "./pictures.js";
import { FrameScheduler } from "./scheduler.js";
import { Store, StoreRegistry, windowSpan } from "./store.js";
import { LAYER_MIN_SERIES } from "./strip.js";
import { readTheme, seriesColor, translucent } from "./theme.js";
import { candlesInView, plotHeightOf, plotKey, ViewState } from "./viewstate.js";

/**
 * The livefeed widget. `initialize` (once per widget model) makes the model's
 * store, fed by every message from then on; `render` (once per view) draws from
 * that store at once and on every change, never waiting for the kernel. Messages
 * only append to the ring buffers and mark the views dirty; the page's shared
 * frame scheduler draws each view at most once per frame.
 *
 * The root element of a view carries data attributes (read by end-to-end tests
 * and benchmarks). Those that describe the picture are written together by the
 * frame that draws it: data-livefeed-points, -frames, -last-x (the newest x
 * drawn), -following, -paused, and -x-range / -y-range ("min max" of the scales
 * drawn). Those that describe the feed and the kernel are written as they change:
 * -received (points received), -seq, -gaps (sequence gaps seen), -syncing (a
 * sync awaits its reset), -status (the feed_status trait), -connected, and
 * -kernel ("ok", "gone" or "restarted"). The picture's attributes also give
 * -y2-range (the right scale's, empty without one), -hidden (the names of the
 * series hidden, as a JSON list), -annotations and -alert-markers (how many
 * are in view), -x-ticks and -y-labels (the x tick labels and the y axes'
 * labels drawn, as JSON lists), -layer (on a chart of many lines, how many
 * frames drew its line layer in full and how many moved it: "full moved"), and
 * on a candle chart -candles: the candles in view, as JSON
 * {family: [[x, open, high, low, close], ...]}, the newest CANDLES_SHOWN of
 * each family.
 */

/**
 * The model's traits (docs/protocol.md), and the two of every ipywidgets DOM
 * widget that tell models apart (see store.js `sameModel`).
 * @typedef {{
 *   source: string,
 *   title: string,
 *   height: number,
 *   window: number,
 *   window_span_ms: number,
 *   x_kind: "time" | "number" | "auto",
 *   x_label: string,
 *   y_label: string,
 *   y2_label: string,
 *   _saved_at?: number,
 *   feed_status: "connecting" | "live" | "reconnecting" | "closed" | "error",
 *   feed_stats: FeedStats,
 *   paused: boolean,
 *   snapshot: Record<string, unknown>,
 *   _kind: string,
 *   _series: Record<string, SeriesOptions>,
 *   _y_scale: "linear" | "log",
 *   _y_range: Array<number | null>,
 *   _annotations: Annotation[],
 *   _follow: import("./viewstate.js").Follow,
 *   _link: string,
 *   _tz: string,
 *   _bar_ms: number,
 *   _alerts_fired: import("./chart.js").AlertMarker[],
 *   _direct: DirectTrait,
 *   layout: unknown,
 *   _dom_classes: string[],
 * }} Traits
 * @typedef {{url?: string, subscribe?: string | null, decode?: string, x?: string | null,
 *   y?: string[], group_by?: string | null, x_type?: "auto" | "time" | "number",
 *   reconnect?: boolean | "always", backoff?: number, max_backoff?: number}} DirectTrait
 *   what a chart whose page reads its feed reads (see direct.js); {} for none
 * @typedef {AnyModel<Traits>} Model
 * @typedef {{color?: string, width?: number, dash?: number[], axis?: "left" | "right",
 *   visible?: boolean, kind?: string}} SeriesOptions
 *   one series' style, as given in Python (see _style.py)
 */

/** How often a chart asks the widget manager whether its kernel is still there. */
const KERNEL_CHECK_MS = 1000;

/**
 * Drawing time per animation frame, shared by all charts on the page. Half a
 * 60 Hz frame leaves the other half to messages, input and compositing.
 */
const FRAME_BUDGET_MS = 8;

/** One frame loop for every view of this module on the page (created on first use). */
/** @type {FrameScheduler | null} */
let scheduler = null;

function sharedScheduler() {
  scheduler ??= new FrameScheduler({
    request: (cb) => requestAnimationFrame(cb),
    now: () => performance.now(),
    budgetMs: FRAME_BUDGET_MS,
    onError: (err) => console.error("livefeed: a chart failed to draw:", err),
  });
  return scheduler;
}

/** The store of every widget model in the page. */
const stores = new StoreRegistry();

/**
 * The views of linked charts (livefeed.link), by link group. One for the whole
 * page, kept on the global object: the widget manager may load this module once
 * per model, and linked charts are different models.
 * @type {LinkRegistry}
 */
const links = pageLinks();

function pageLinks() {
  const key = Symbol.for("livefeed.links");
  const page = /** @type {Record<symbol, LinkRegistry | undefined>} */ (/** @type {unknown} */ (globalThis));
  page[key] ??= new LinkRegistry();
  return /** @type {LinkRegistry} */ (page[key]);
}

const now = () => performance.now();

/**
 * Makes a model's store and feeds it from the model's events until the returned
 * function is called.
 * @param {Model} model
 * @returns {{store: Store, detach: () => void}}
 */
function attachStore(model) {
  /** @type {(content: object, buffers?: ArrayBuffer[]) => void} */
  const send = (content, buffers) => {
    try {
      model.send(content, undefined, buffers);
    } catch (err) {
      // The kernel went away between two checks; the next check will say so.
      console.warn("livefeed: could not reach the kernel:", err);
    }
  };
  const pictures = new Pictures(PAGE, send);
  const store = new Store({
    window: Number(model.get("window")) || 10_000,
    spanMs: windowSpan(model.get("window_span_ms")),
    send,
  });
  picturesOf.set(store, pictures);
  const checkKernel = () => store.checkKernel(kernelState(model.widget_manager), now());
  checkKernel();
  store.start({ snapshot: model.get("snapshot"), stats: model.get("feed_stats") }, now());
  const heard = () => store.heard();
  /**
   * @param {unknown} content
   * @param {DataView[]} buffers
   */
  const onMessage = (content, buffers) => {
    const request = pictureRequest(content);
    if (request === null) store.receive(content, buffers, now());
    else {
      store.heard();
      void pictures.answer(request);
    }
  };
  model.on("msg:custom", onMessage);
  /** @type {Array<[string, () => void]>} */
  const listeners = [
    ["change:snapshot", () => store.snapshotChanged(model.get("snapshot"), now())],
    // Traits only the kernel sets: each change is a sign of life.
    ["change:feed_stats", heard],
    ["change:feed_status", heard],
    ["change:x_kind", heard],
    // The widget manager flips comm_live off when the kernel restarts (and only then).
    ["comm_live_update", () => store.restarted()],
  ];
  for (const [name, fn] of listeners) model.on(name, fn);
  // The picture stays as it is when the kernel goes; only the badge changes.
  const timer = setInterval(() => {
    checkKernel();
    store.tick(now());
    if (store.direct || store.undelivered(now())) store.statusChanged(); // the badge's word
  }, KERNEL_CHECK_MS);
  const stopDirect = readDirect(model, store, send);
  return {
    store,
    detach() {
      clearInterval(timer);
      stopDirect();
      model.off("msg:custom", onMessage);
      for (const [name, fn] of listeners) model.off(name, fn);
    },
  };
}

/**
 * A chart whose page reads its feed (`source="browser"`, the `_direct` trait):
 * its DirectFeed, feeding the store, and the points going back to the kernel
 * while the kernel is there and idle. Returns what stops both; a chart without
 * `_direct` gets nothing and a function that does nothing.
 * @param {Model} model
 * @param {Store} store
 * @param {(content: object, buffers?: ArrayBuffer[]) => void} send
 */
function readDirect(model, store, send) {
  const options = model.get("_direct");
  if (!options?.url) return () => {};
  const direct = new DirectFeed(
    {
      url: options.url,
      subscribe: options.subscribe,
      decode: options.decode,
      spec: { x: options.x, y: options.y ?? ["value"], groupBy: options.group_by, xType: options.x_type },
      reconnect: options.reconnect,
      backoff: options.backoff,
      maxBackoff: options.max_backoff,
    },
    // Arrival times are epoch milliseconds, as the kernel's are.
    { open: (url) => new WebSocket(url), now: () => Date.now() },
    (points, names) => store.takeLocal(points, names),
    () => store.statusChanged(),
  );
  store.direct = direct;
  direct.start();
  let lastStatus = "";
  const back = setInterval(() => {
    if (!store.liveness.canSend || kernelBusy(model.widget_manager)) return;
    const points = store.takeBack(POINTS_MAX);
    if (points.xs.length === 0 && direct.status === lastStatus) return;
    lastStatus = direct.status;
    send(
      {
        type: "points",
        page: PAGE,
        names: points.names,
        count: points.xs.length,
        status: direct.status,
        stats: direct.stats,
      },
      [points.xs, points.ys, points.series].map((a) => /** @type {ArrayBuffer} */ (a.buffer)),
    );
  }, POINTS_EVERY_MS);
  // stop() in Python empties the trait: the page lets the feed go, and keeps its picture.
  const onChange = () => {
    if (!model.get("_direct")?.url) direct.stop();
  };
  model.on("change:_direct", onChange);
  return () => {
    clearInterval(back);
    model.off("change:_direct", onChange);
    direct.stop();
  };
}

/** @type {Initialize<Traits>} */
function initialize({ model }) {
  const { store, detach } = attachStore(model);
  const forget = stores.add(model, store);
  return () => {
    forget();
    detach();
  };
}

/**
 * The store a view draws from: its model's, or, in a front end that gives views
 * no way back to it, one of the view's own, fed until `release` is called.
 * @param {Model} model
 * @returns {{store: Store, release: () => void}}
 */
function viewStore(model) {
  const store = stores.find(model);
  if (store) return { store, release: () => {} };
  const own = attachStore(model);
  return { store: own.store, release: own.detach };
}

/** How much of a candle chart's height its tallest volume bar takes. */
const VOLUME_SHARE = 0.25;

/**
 * A series' own style, as given in Python; {} when it has none. Read as an own
 * property: a series may be named "constructor" or "__proto__".
 * @param {Record<string, SeriesOptions>} styles
 * @param {string} name
 * @returns {SeriesOptions}
 */
function styleOf(styles, name) {
  return Object.getOwnPropertyDescriptor(styles, name)?.value ?? {};
}

/**
 * A copy of `ys` with every value a log scale cannot place (y <= 0) made a gap.
 * @param {Float64Array} ys
 */
function positive(ys) {
  return ys.map((y) => (y > 0 ? y : NaN));
}

/** This page, to the kernel, which counts each page's views of a chart apart. */
const PAGE = newPageId();

/** @type {WeakMap<Store, Pictures>} the views of each store's model that can make a picture */
const picturesOf = new WeakMap();

/**
 * The edits of the rings the view's series draw from (see Ring.edits); NaN
 * when one draws from a copy, whose changes nothing counts.
 * @param {ReadonlyArray<{ring: import("./ring.js").Ring | null}>} view
 */
function editsOf(view) {
  let edits = 0;
  for (const s of view) {
    if (!s.ring) return Number.NaN;
    edits += s.ring.edits;
  }
  return edits;
}

/** @type {Render<Traits>} */
function render({ model, el }) {
  const { store, release } = viewStore(model);
  const feed = store.feed;

  const root = document.createElement("div");
  root.className = "livefeed";

  // Header: title and source on the left, status and controls on the right.
  const header = document.createElement("div");
  header.className = "livefeed-header";
  const heading = document.createElement("div");
  heading.className = "livefeed-heading";
  const title = document.createElement("span");
  title.className = "livefeed-title";
  const source = document.createElement("span");
  source.className = "livefeed-source";
  heading.append(title, source);
  const badge = new Badge();
  const controls = document.createElement("div");
  controls.className = "livefeed-controls";
  const pauseButton = button("Pause", "Stop redrawing; data keeps arriving");
  const followButton = button("Follow", "Show the newest data (or double-click the plot)");
  const pngButton = button("PNG", "Save the plot as a PNG image");
  controls.append(pauseButton, followButton, pngButton);
  header.append(heading, badge.el, controls);

  const plot = document.createElement("div");
  plot.className = "livefeed-plot";
  const placeholder = document.createElement("div");
  placeholder.className = "livefeed-placeholder";
  placeholder.textContent = "Waiting for data…";
  plot.append(placeholder);

  const legend = new Legend((name, visible) => {
    state.toggle(name, visible);
    drawNow();
  });
  root.append(header, plot, legend.el);
  el.append(root);

  // A chart that reads its feed knows its axis from the first x it read; until then (a saved
  // live page before its first message) the kernel's word holds.
  const isTime = () => (store.direct?.xKind ?? model.get("x_kind")) === "time";
  const state = new ViewState();
  /** @type {Chart | null} */
  let chart = null;
  let chartKey = "";
  /** @type {number | null} */
  let hoverX = null;
  /** @type {ViewSeries[]} what the last frame drew, for the hover read-out */
  let shown = [];
  let frames = 0;
  let dirty = true;
  /** The plot's clientWidth, kept by the ResizeObserver; -1 until first read. */
  let plotWidth = -1;
  /** @type {Theme | null} */
  let theme = null;
  /** The view is in or near the visible part of the page (see the IntersectionObserver). */
  let onScreen = true;

  const setAttr = (/** @type {string} */ name, /** @type {unknown} */ value) => {
    const v = String(value);
    if (root.getAttribute(name) !== v) root.setAttribute(name, v);
  };

  /** @param {Record<string, string>} attrs by name without the data-livefeed- prefix */
  const publish = (attrs) => {
    for (const [name, value] of Object.entries(attrs)) setAttr(`data-livefeed-${name}`, value);
  };

  const isLog = () => model.get("_y_scale") === "log";

  /**
   * The series as they are now, as views into the store's ring buffers, each
   * with its style. On a log scale the values are a copy where every y ≤ 0 is a
   * gap (those have no place there), with no ring to summarise it.
   * @returns {ViewSeries[]}
   */
  const liveSeries = () => {
    const styles = model.get("_series") ?? {};
    const log = isLog();
    const barMs = Number(model.get("_bar_ms") ?? 0);
    if (barMs > 0) return candleSeries(styles, log, barMs);
    return [...feed.series.values()].map((s) => {
      const style = styleOf(styles, s.name);
      const ys = s.ring.ys();
      return {
        id: s.id,
        name: s.name,
        color: style.color || seriesColor(s.id),
        kind: style.kind,
        width: style.width,
        dash: style.dash,
        scale: style.axis === "right" ? "y2" : "y",
        visible: style.visible,
        xs: s.ring.xs(),
        ys: log ? positive(ys) : ys,
        ring: log ? null : s.ring,
      };
    });
  };

  /**
   * A candle chart's series (see "Candle charts" in docs/protocol.md): the
   * store holds four series per family, one per role, with the same xs; each
   * family is drawn as one series of candles, its ys the closes, with the
   * opens, highs and lows beside them, and its volume (when the chart has one)
   * as bars on the right axis, named "<family> volume". A family whose four
   * roles have not all arrived yet, or disagree in length (a batch half
   * applied never happens, but a copy is cheap to refuse), is not drawn yet.
   * @param {Record<string, SeriesOptions>} styles
   * @param {boolean} log
   * @param {number} barMs
   * @returns {ViewSeries[]}
   */
  const candleSeries = (styles, log, barMs) => {
    /** @type {Map<string, Partial<Record<import("./wire.js").Role, import("./feed.js").Series>>>} */
    const families = new Map();
    for (const s of feed.series.values()) {
      if (!s.role) continue;
      const family = families.get(s.name) ?? {};
      family[s.role] = s;
      families.set(s.name, family);
    }
    const gap = (/** @type {Float64Array} */ ys) => (log ? positive(ys) : ys);
    /** @type {ViewSeries[]} */
    const candles = [];
    /** @type {ViewSeries[]} */
    const volumes = [];
    let k = 0;
    for (const [name, { open, high, low, close, volume }] of families) {
      const style = styleOf(styles, name);
      const color = style.color || seriesColor(k);
      k += 1;
      if (open && high && low && close) {
        const xs = close.ring.xs();
        const columns = [close, open, high, low].map((s) => s.ring.ys());
        if (columns.every((ys) => ys.length === xs.length)) {
          const [closes, opens, highs, lows] = columns.map(gap);
          candles.push({
            id: close.id,
            name,
            color,
            kind: "candles",
            scale: style.axis === "right" ? "y2" : "y",
            visible: style.visible,
            xs,
            ys: closes,
            ring: null,
            extra: [opens, highs, lows],
            bounds: [
              { ys: highs, ring: log ? null : high.ring },
              { ys: lows, ring: log ? null : low.ring },
            ],
            barWidth: barMs,
          });
        }
      }
      if (volume) {
        const label = `${name} volume`;
        const own = styleOf(styles, label);
        volumes.push({
          id: volume.id,
          name: label,
          color: own.color || translucent(color),
          kind: "bars",
          scale: own.axis === "left" ? "y" : "y2",
          visible: own.visible,
          xs: volume.ring.xs(),
          ys: gap(volume.ring.ys()),
          ring: log ? null : volume.ring,
        });
      }
    }
    // Volumes first: uPlot draws series in order, so the candles stay in front of them.
    return [...volumes, ...candles];
  };

  const job = sharedScheduler().add(frame);
  const markDirty = () => {
    dirty = true;
    job.mark();
  };
  /** For what the user did: drawn in the next frame, even by a view resting after heavy ones. */
  const drawNow = () => {
    dirty = true;
    job.markNow();
  };

  function frame() {
    if (!dirty) return;
    // Reading the width in every frame would force a layout per view per frame
    // (each view's drawing dirties it for the next); it is read on resize instead.
    if (plotWidth < 0) plotWidth = plot.clientWidth;
    const width = plotWidth;
    // Not laid out yet (hidden, or not attached): the ResizeObserver calls back.
    if (width < 1 || !root.isConnected) return;
    dirty = false;
    if (!theme) theme = readTheme(root);

    const view = state.series(liveSeries());
    const time = isTime();
    const log = isLog();
    const key = plotKey(view, {
      isTime: time,
      xLabel: model.get("x_label"),
      yLabel: model.get("y_label"),
      y2Label: model.get("y2_label"),
      log,
    });
    // The chart's kind and zone enter the key too: uPlot takes them when the plot is made.
    const tz = String(model.get("_tz") || "local");
    const kindKey = `${key}|${model.get("_kind")}|${tz}`;
    if (kindKey !== chartKey) {
      chartKey = kindKey;
      chart?.destroy();
      chart = null;
      hoverX = null; // the new plot has no cursor until the pointer moves
      if (view.length > 0) {
        chart = new Chart(plot, view, {
          kind: String(model.get("_kind") || "line"),
          log,
          tz,
          annotations: () => model.get("_annotations") ?? [],
          markers: () => model.get("_alerts_fired") ?? [],
          isTime: time,
          xLabel: String(model.get("x_label") ?? ""),
          yLabel: String(model.get("y_label") ?? ""),
          y2Label: String(model.get("y2_label") ?? ""),
          width,
          height: plotHeight(),
          theme: () => theme ?? readTheme(root),
          onZoom: (a, b) => {
            state.zoomTo(a, b, time);
            movedX();
          },
          onZoomY: (a, b) => {
            state.zoomY(a, b);
            showControls();
            drawNow();
          },
          onWheel: (factor, at) => {
            state.zoomBy(factor, at, time);
            movedX();
          },
          onPan: (fraction) => {
            state.panBy(fraction, time);
            movedX();
          },
          onFollow: follow,
          onHover: (x) => {
            hoverX = x;
            legend.update(shown, hoverX, isTime(), tz);
          },
        });
      }
      placeholder.hidden = chart !== null;
      legend.setSeries(view);
    }

    const picture = state.picture(view, time, {
      log,
      fixed: model.get("_y_range") ?? [],
      follow: model.get("_follow") ?? {},
      // A chart of many lines keeps them on a layer that can only move (strip.js).
      steady: view.length >= LAYER_MIN_SERIES,
    });
    if (Number(model.get("_bar_ms") ?? 0) > 0 && picture.y2Range) {
      // Volumes under the candles: their axis from 0, the tallest bar a quarter of the plot up.
      picture.y2Range = [0, picture.y2Range[1] / VOLUME_SHARE];
    }
    const hidden = JSON.stringify(view.filter((s) => s.visible === false).map((s) => s.name));
    if (!onScreen) {
      // Out of sight: nothing is drawn (the frame's cost is the picture's ranges), but the
      // attributes still say what the view would show; coming into sight draws at once.
      publish({ ...state.attributes(picture, frames, chart !== null), hidden });
      return;
    }
    if (chart) {
      chart.resize(width, plotHeight());
      chart.draw(
        view.map((s) => (s.extra ? [s.xs, s.ys, ...s.extra] : [s.xs, s.ys])),
        picture.xRange,
        picture.yRange,
        picture.summaries,
        picture.y2Range,
        editsOf(view),
      );
    }
    shown = view;
    legend.update(view, hoverX, time, tz);
    frames += 1;
    publish({
      ...state.attributes(picture, frames, chart !== null),
      hidden,
      annotations: String(chart ? chart.annotationsDrawn : 0),
      "x-ticks": JSON.stringify(chart ? chart.xTicks : []),
      "y-labels": JSON.stringify(chart ? chart.yLabels() : []),
      layer: chart?.layer ? `${chart.layer.full} ${chart.layer.moved}` : "",
      "alert-markers": String(chart ? chart.markersDrawn : 0),
      ...(Number(model.get("_bar_ms") ?? 0) > 0 ? { candles: candlesInView(view, picture.xRange) } : {}),
    });
  }

  const plotHeight = () => plotHeightOf(model.get("height"));

  function follow() {
    state.follow();
    movedX();
  }

  /** @type {import("./links.js").LinkMember} */
  const linkMember = {
    apply(zoom) {
      state.showX(zoom);
      showControls();
      drawNow();
    },
  };
  let linkGroup = "";
  let leaveLink = () => {};
  function joinLink() {
    leaveLink();
    linkGroup = String(model.get("_link") ?? "");
    leaveLink = links.join(linkGroup, linkMember);
  }
  joinLink();

  /** This view's x range changed: draw it, and have linked views show the same. */
  function movedX() {
    showControls();
    drawNow();
    links.share(linkGroup, linkMember, state.zoom);
  }

  /** The buttons say at once what the next frame will show. */
  function showControls() {
    pauseButton.textContent = state.paused ? "Resume" : "Pause";
    pauseButton.setAttribute("aria-pressed", String(state.paused));
    followButton.setAttribute("aria-pressed", String(state.following));
    followButton.disabled = state.following;
  }

  /** @param {boolean} value */
  function setPaused(value) {
    if (!state.setPaused(value, liveSeries)) return;
    showControls();
    drawNow();
  }

  function showFeed() {
    publish({
      received: String(feed.received),
      seq: String(feed.lastSeq),
      gaps: String(feed.gaps),
      syncing: String(feed.awaitingReset),
    });
  }

  function showStatus() {
    // A chart that reads its feed itself tells its own status, kernel or not.
    const direct = store.direct;
    const status = direct ? direct.status : model.get("feed_status");
    const live = store.liveness;
    setAttr("data-livefeed-status", status);
    setAttr("data-livefeed-connected", direct ? true : live.connected);
    setAttr("data-livefeed-kernel", live.label);
    badge.show(
      describeStatus(status, direct ? direct.stats : model.get("feed_stats"), {
        disconnected: direct ? false : !live.connected,
        // Its feed is its own: a kernel restarted or gone changes nothing it draws.
        restarted: direct ? false : live.restarted,
        hadLiveData: store.hadLiveData,
        hasData: feed.points > 0,
        // A saved page that reads its feed is live, not a picture of its saving.
        savedAt: direct ? undefined : model.get("_saved_at"),
        undelivered: store.undelivered(now()),
      }),
    );
  }

  function showHeading() {
    title.textContent = String(model.get("title") ?? "");
    const src = String(model.get("source") ?? "");
    source.textContent = src;
    source.title = src;
  }

  const unsubscribe = store.subscribe((change) => {
    if (change === "data") {
      // While paused the data only accumulates; resuming draws it at once.
      if (!state.paused) markDirty();
      // Without a kernel, the badge says whether the view shows saved or received data.
      if (!store.liveness.connected) showStatus();
    } else if (change === "received") {
      showFeed();
    } else {
      showStatus();
    }
  });

  // A view opened on a paused chart shows what the store holds until resumed.
  setPaused(Boolean(model.get("paused")));
  publish(state.attributes(null, 0, false));
  showFeed();
  showHeading();
  showControls();
  showStatus();
  markDirty();

  pauseButton.addEventListener("click", () => {
    setPaused(!state.paused);
    // No kernel to tell (a widget restored without one has no comm at all): the view still freezes.
    if (!store.liveness.connected) return;
    try {
      model.set("paused", state.paused);
      model.save_changes();
    } catch (err) {
      console.warn("livefeed: could not tell the kernel:", err);
    }
  });
  followButton.addEventListener("click", follow);
  pngButton.addEventListener("click", () => {
    const canvas = plot.querySelector("canvas");
    if (!canvas) return;
    // The canvas holds the axes and series as drawn; a link's download names the file.
    const link = document.createElement("a");
    link.href = canvas.toDataURL("image/png");
    link.download = `${pngName(String(model.get("title") ?? ""))}.png`;
    link.click();
  });

  /** @type {Array<[string, () => void]>} */
  const listeners = [
    ["change:paused", () => setPaused(Boolean(model.get("paused")))],
    ["change:feed_status", showStatus],
    ["change:feed_stats", showStatus],
    ["change:title", showHeading],
    ["change:source", showHeading],
    ["change:height", markDirty],
    ["change:x_kind", markDirty],
    ["change:x_label", markDirty],
    ["change:y_label", markDirty],
    ["change:y2_label", markDirty],
    ["change:_kind", markDirty],
    [
      "change:_series",
      () => {
        // A style set from Python wins over what the legend chose.
        state.forgetToggles();
        markDirty();
      },
    ],
    ["change:_y_range", markDirty],
    ["change:_annotations", markDirty],
    ["change:_follow", markDirty],
    ["change:_alerts_fired", markDirty],
    ["change:_link", joinLink],
    ["change:_tz", markDirty],
  ];
  for (const [name, fn] of listeners) model.on(name, fn);

  // Observers run after layout, so the width read here costs no extra layout.
  const resizeObserver = new ResizeObserver(() => {
    plotWidth = plot.clientWidth;
    markDirty();
  });
  resizeObserver.observe(plot);

  // A dashboard of many charts draws only those in sight, and those a quarter of a screen
  // away (so that scrolling finds them drawn); drawing more would slow the ones in sight.
  const visibility = new IntersectionObserver(
    (entries) => {
      const visible = entries[entries.length - 1].isIntersecting;
      if (visible === onScreen) return;
      onScreen = visible;
      if (visible) markDirty();
    },
    { rootMargin: "25% 0px" },
  );
  visibility.observe(root);

  // JupyterLab switches themes by changing attributes on <body> (other front ends
  // by changing its class); canvas colours come from CSS variables, so read them
  // again, and rebuild the chart (which also picks up the font) only if they changed.
  const themeObserver = new MutationObserver(() => {
    if (!theme || !root.isConnected) return;
    const next = readTheme(root);
    if (JSON.stringify(next) === JSON.stringify(theme)) return;
    theme = next;
    chartKey = "";
    markDirty();
  });
  themeObserver.observe(document.body, {
    attributes: true,
    attributeFilter: ["data-jp-theme-name", "data-jp-theme-light", "class", "data-theme"],
  });

  // The kernel's `save("….png")` asks the model's views: this one answers with what it drew.
  const dropPicture =
    picturesOf.get(store)?.add(async () => {
      const canvas = plot.querySelector("canvas");
      if (!canvas || frames === 0) return null;
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
      return blob ? new Uint8Array(await /** @type {Blob} */ (blob).arrayBuffer()) : null;
    }) ?? (() => {});

  return () => {
    dropPicture();
    leaveLink();
    job.remove();
    unsubscribe();
    release();
    resizeObserver.disconnect();
    visibility.disconnect();
    themeObserver.disconnect();
    legend.destroy();
    for (const [name, fn] of listeners) model.off(name, fn);
    chart?.destroy();
    chart = null;
    root.remove();
  };
}

/**
 * @param {string} label
 * @param {string} tip
 */
function button(label, tip) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "livefeed-button";
  b.textContent = label;
  b.title = tip;
  return b;
}

/** @satisfies {AnyWidget<Traits>} */
export default { initialize, render };
