// @ts-check
import { Badge, describeStatus } from "./badge.js";
import { Chart } from "./chart.js";
import { Feed } from "./feed.js";
import { kernelState } from "./kernel.js";
import { Legend } from "./legend.js";
import { padY, widenX, xExtent, yExtent } from "./ranges.js";
import { FrameScheduler } from "./scheduler.js";
import { readTheme, seriesColor } from "./theme.js";
import { decodeMessage, decodeSnapshot } from "./wire.js";

/**
 * The livefeed view. Messages only append to the ring buffers and mark the view
 * dirty; the page's shared frame scheduler draws it at most once per frame.
 *
 * The root element carries data attributes that describe what the view shows
 * (read by end-to-end tests and benchmarks): data-livefeed-points, -frames, -seq,
 * -received, -last-x (the newest x the last frame drew), -status (the feed_status
 * trait), -following, -paused, -connected, -kernel ("ok", "gone" or
 * "restarted"), and -x-range / -y-range ("min max" of the scales last drawn).
 */

/** After this long without a reset answering the render-time sync, the view
 *  says the kernel is not connected (a saved notebook opened without one). */
const NOT_CONNECTED_AFTER_MS = 3000;

/** How often a view asks the widget manager whether its kernel is still there. */
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

/**
 * @typedef {import("./legend.js").LegendSeries & {ring: import("./ring.js").Ring | null}} ViewSeries
 */

/** Summaries of a series' ring, bound once per ring (the chart asks per frame).
 *  @type {WeakMap<import("./ring.js").Ring, import("./trace.js").Summarise>} */
const boundSummaries = new WeakMap();

/** @param {ViewSeries} s */
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

/** @param {{model: any, el: HTMLElement}} ctx */
function render({ model, el }) {
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
  controls.append(pauseButton, followButton);
  header.append(heading, badge.el, controls);

  const plot = document.createElement("div");
  plot.className = "livefeed-plot";
  const placeholder = document.createElement("div");
  placeholder.className = "livefeed-placeholder";
  placeholder.textContent = "Waiting for data…";
  plot.append(placeholder);

  const legend = new Legend();
  root.append(header, plot, legend.el);
  el.append(root);

  const isTime = () => model.get("x_kind") === "time";
  const windowSize = () => Number(model.get("window")) || 10_000;
  const feed = new Feed(windowSize());
  /** @type {Chart | null} */
  let chart = null;
  let chartKey = "";
  /** @type {[number, number] | null} x range chosen by dragging; null while following */
  let zoom = null;
  /** @type {number | null} */
  let hoverX = null;
  let paused = false; // set from the trait once the snapshot is loaded
  /** @type {ViewSeries[] | null} copy of the data shown when pausing */
  let frozen = null;
  /** @type {ViewSeries[]} what the last frame drew, for the hover read-out */
  let shown = [];
  /** @type {[number, number]} */
  let lastY = [0, 1];
  let frames = 0;
  let dirty = true;
  /** The plot's clientWidth, kept by the ResizeObserver; -1 until first read. */
  let plotWidth = -1;
  /** No reset answered the render-time sync in time. */
  let noAnswer = false;
  /** The widget manager says the kernel is shut down, dead or unreachable. */
  let kernelGone = false;
  /** The kernel restarted: this model's Python object is gone for good. */
  let restarted = false;
  let gotReset = false;
  /** @type {import("./theme.js").Theme | null} */
  let theme = null;

  const setAttr = (/** @type {string} */ name, /** @type {unknown} */ value) => {
    const v = String(value);
    if (root.getAttribute(name) !== v) root.setAttribute(name, v);
  };

  /** The series as they are now, as views into the ring buffers. */
  const liveSeries = () =>
    [...feed.series.values()].map((s) => ({
      id: s.id,
      name: s.name,
      color: seriesColor(s.id),
      xs: s.ring.xs(),
      ys: s.ring.ys(),
      ring: s.ring,
    }));

  const job = sharedScheduler().add(frame);
  const markDirty = () => {
    dirty = true;
    job.mark();
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

    const view = frozen ?? liveSeries();
    const time = isTime();
    const key = JSON.stringify([time, model.get("x_label"), model.get("y_label"), view.map((s) => [s.id, s.name])]);
    if (key !== chartKey) {
      chartKey = key;
      chart?.destroy();
      chart = null;
      hoverX = null; // the new plot has no cursor until the pointer moves
      if (view.length > 0) {
        chart = new Chart(plot, view, {
          isTime: time,
          xLabel: String(model.get("x_label") ?? ""),
          yLabel: String(model.get("y_label") ?? ""),
          width,
          height: plotHeight(),
          theme: () => theme ?? readTheme(root),
          onZoom: (a, b) => {
            // Whole milliseconds on time axes: uPlot's time ticks misalign on fractions.
            zoom = time ? [Math.floor(a), Math.ceil(b)] : [a, b];
            showControls();
            markDirty();
          },
          onFollow: follow,
          onHover: (x) => {
            hoverX = x;
            legend.update(shown, hoverX, isTime());
          },
        });
      }
      placeholder.hidden = chart !== null;
      legend.setSeries(view);
    }

    let points = 0;
    let lastX = -Infinity;
    for (const s of view) {
      points += s.xs.length;
      if (s.xs.length > 0 && s.xs[s.xs.length - 1] > lastX) lastX = s.xs[s.xs.length - 1];
    }
    if (chart) {
      chart.resize(width, plotHeight());
      /** @type {Array<[ArrayLike<number>, ArrayLike<number>]>} */
      const data = view.map((s) => [s.xs, s.ys]);
      const xr = zoom ?? widenX(xExtent(view.map((s) => s.xs)), time);
      // A ring's block summaries spare walking a long window; a paused copy has none.
      const summaries = view.map(summariser);
      const yr = yExtent(data, xr[0], xr[1], summaries);
      if (yr) lastY = padY(yr);
      chart.draw(data, xr, lastY, summaries);
      setAttr("data-livefeed-x-range", `${xr[0]} ${xr[1]}`);
      setAttr("data-livefeed-y-range", `${lastY[0]} ${lastY[1]}`);
    }
    shown = view;
    legend.update(view, hoverX, time);
    frames += 1;
    setAttr("data-livefeed-points", points);
    setAttr("data-livefeed-frames", frames);
    // Benchmarks time how long a point takes to be drawn by watching this.
    if (lastX > -Infinity) setAttr("data-livefeed-last-x", lastX);
  }

  const plotHeight = () => {
    const h = Number(model.get("height"));
    return Number.isFinite(h) && h > 40 ? Math.round(h) : 300;
  };

  function follow() {
    zoom = null;
    showControls();
    markDirty();
  }

  function showControls() {
    pauseButton.textContent = paused ? "Resume" : "Pause";
    pauseButton.setAttribute("aria-pressed", String(paused));
    followButton.setAttribute("aria-pressed", String(zoom === null));
    followButton.disabled = zoom === null;
    setAttr("data-livefeed-following", zoom === null);
    setAttr("data-livefeed-paused", paused);
  }

  /** @param {boolean} value */
  function setPaused(value) {
    if (value === paused) return;
    paused = value;
    // A paused view keeps a copy of what it shows, so zooming and hovering work
    // on a still picture while the ring buffers go on filling.
    frozen = paused ? liveSeries().map((s) => ({ ...s, xs: s.xs.slice(), ys: s.ys.slice(), ring: null })) : null;
    showControls();
    markDirty();
  }

  function showStatus() {
    const status = model.get("feed_status");
    const disconnected = restarted || kernelGone || noAnswer;
    setAttr("data-livefeed-status", status);
    setAttr("data-livefeed-connected", !disconnected);
    setAttr("data-livefeed-kernel", restarted ? "restarted" : kernelGone ? "gone" : "ok");
    badge.show(
      describeStatus(status, model.get("feed_stats"), {
        disconnected,
        restarted,
        hadLiveData: gotReset,
        hasData: feed.points > 0,
      }),
    );
  }

  /** Sends to the kernel unless it is known to be gone (sending to a dead kernel throws). */
  function send(/** @type {object} */ content) {
    if (restarted || kernelGone) return;
    try {
      model.send(content);
    } catch (err) {
      // The kernel went away between two checks; the next check will say so.
      console.warn("livefeed: could not reach the kernel:", err);
    }
  }

  function showHeading() {
    title.textContent = String(model.get("title") ?? "");
    const src = String(model.get("source") ?? "");
    source.textContent = src;
    source.title = src;
  }

  function sendSync() {
    feed.requestSync(performance.now());
    send({ type: "sync" });
  }

  /**
   * @param {any} content
   * @param {unknown[]} buffers
   */
  function onMessage(content, buffers) {
    if (!content || (content.type !== "batch" && content.type !== "reset")) return;
    let msg;
    try {
      msg = decodeMessage(content, buffers);
    } catch (err) {
      // Nothing of a malformed message is applied; a reset brings the view back in step.
      console.error("livefeed: dropped a malformed message:", err);
      sendSync();
      return;
    }
    const outcome = feed.apply(msg, performance.now());
    if (outcome === "sync") send({ type: "sync" });
    setAttr("data-livefeed-received", feed.received);
    setAttr("data-livefeed-seq", feed.lastSeq);
    if (msg.type === "reset") {
      gotReset = true;
      noAnswer = false;
      showStatus();
    }
    // While paused the data only accumulates; resuming draws it at once.
    if (outcome === "applied" && !paused) markDirty();
  }

  // Start from the saved snapshot, if any, then ask the kernel for the current data.
  try {
    const snap = decodeSnapshot(model.get("snapshot"));
    if (snap) feed.replace(snap);
  } catch (err) {
    console.error("livefeed: ignored an unreadable snapshot:", err);
  }
  // A view opened on a paused chart shows the snapshot until resumed.
  setPaused(Boolean(model.get("paused")));
  setAttr("data-livefeed-seq", feed.lastSeq);
  setAttr("data-livefeed-received", 0);
  setAttr("data-livefeed-points", 0);
  setAttr("data-livefeed-frames", 0);
  kernelGone = kernelState(model.widget_manager) === "gone";
  showHeading();
  showControls();
  showStatus();
  sendSync();
  const notConnectedTimer = setTimeout(() => {
    if (!gotReset) {
      noAnswer = true;
      showStatus();
    }
  }, NOT_CONNECTED_AFTER_MS);
  markDirty();

  // The picture stays as it is when the kernel goes; only the badge changes.
  const kernelTimer = setInterval(() => {
    const gone = kernelState(model.widget_manager) === "gone";
    if (gone === kernelGone) return;
    kernelGone = gone;
    // Back after a lost connection: batches may have been missed meanwhile.
    if (!gone) sendSync();
    showStatus();
  }, KERNEL_CHECK_MS);

  pauseButton.addEventListener("click", () => {
    setPaused(!paused);
    if (restarted || kernelGone) return; // no kernel to tell; the view still freezes
    model.set("paused", paused);
    model.save_changes();
  });
  followButton.addEventListener("click", follow);

  /** @type {Array<[string, (...args: any[]) => void]>} */
  const listeners = [
    ["msg:custom", onMessage],
    ["change:paused", () => setPaused(Boolean(model.get("paused")))],
    ["change:feed_status", showStatus],
    [
      // The widget manager flips comm_live off when the kernel restarts (and only then).
      "comm_live_update",
      () => {
        restarted = true;
        showStatus();
      },
    ],
    ["change:feed_stats", showStatus],
    ["change:title", showHeading],
    ["change:source", showHeading],
    ["change:height", markDirty],
    ["change:x_kind", markDirty],
    ["change:x_label", markDirty],
    ["change:y_label", markDirty],
    [
      "change:window",
      () => {
        feed.setWindow(windowSize());
        markDirty();
      },
    ],
  ];
  for (const [name, fn] of listeners) model.on(name, fn);

  // Observers run after layout, so the width read here costs no extra layout.
  const resizeObserver = new ResizeObserver(() => {
    plotWidth = plot.clientWidth;
    markDirty();
  });
  resizeObserver.observe(plot);

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

  return () => {
    job.remove();
    clearTimeout(notConnectedTimer);
    clearInterval(kernelTimer);
    resizeObserver.disconnect();
    themeObserver.disconnect();
    for (const [name, fn] of listeners) model.off?.(name, fn);
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

export default { render };
