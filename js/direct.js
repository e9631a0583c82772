// @ts-check
import { decoderFor, Extractor } from "./rules/extract.js";

/**
 * A chart that reads its feed in the page (`LiveChart(url, source="browser")`):
 * the page opens the WebSocket itself and turns each frame into points with the
 * kernel's own rules (rules/), so the chart stays live while the kernel is
 * busy, restarted or gone. It reconnects as the kernel's client does: after a
 * failure, about `backoff` seconds, doubling up to `maxBackoff`, with jitter; a
 * connection that stayed up HEALTHY_MS starts the backoff afresh. A normal
 * close (1000) ends the feed unless `reconnect` is "always"; `reconnect: false`
 * ends it at the first loss.
 *
 * Its counts and status have the shape of the kernel feed's (`feed_status`,
 * `feed_stats`), for the badge. No DOM here but the WebSocket, whose maker is
 * given (tests give their own).
 */

/** The error kind of every connection failure, as the kernel counts it. */
export const CONNECTION = "connection";

/**
 * The URL without what may be secret (user, password, query, fragment), for
 * messages: "ws://host:port/path".
 * @param {string} url
 */
export function publicUrl(url) {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === "/" ? "" : u.pathname}`;
  } catch {
    return "the feed";
  }
}

/**
 * What the badge says of a lost or failed connection.
 * @param {boolean} wasLive
 * @param {number} code
 * @param {string} reason
 * @param {string} url
 */
export function lostText(wasLive, code, reason, url) {
  if (!wasLive) return `cannot connect to ${publicUrl(url)} (code ${code})`;
  if (code === 1006) return "connection lost without a close frame (code 1006)";
  return `connection closed with code ${code}${reason ? `: ${reason}` : ""}`;
}

/** The page's points go back to the kernel (for `chart.data`) at most this
 *  often, and at most POINTS_MAX of them a message: the kernel's _direct.py
 *  holds the same numbers. */
export const POINTS_EVERY_MS = 1000;
export const POINTS_MAX = 20_000;

/** A connection up this long was healthy: the next failure starts the backoff afresh. */
export const HEALTHY_MS = 10_000;

/**
 * @typedef {{
 *   url: string,
 *   subscribe?: string | null,
 *   decode?: string,
 *   spec: import("./rules/extract.js").Spec,
 *   reconnect?: boolean | "always",
 *   backoff?: number,
 *   maxBackoff?: number,
 * }} DirectOptions
 *   the `_direct` trait: what the page reads, and how it reconnects (seconds)
 * @typedef {{
 *   open: (url: string) => WebSocket,
 *   now: () => number,
 *   random?: () => number,
 * }} DirectEnv
 * @typedef {(points: import("./rules/extract.js").Point[], names: string[]) => void} OnPoints
 */

/**
 * Delays after failures: about `initial` seconds first, doubling up to
 * `maximum`, each drawn between half and all of its ceiling (many pages that
 * lost one server do not come back at one moment).
 * @param {number} failures failures so far, 0 for the first
 * @param {number} initial seconds
 * @param {number} maximum seconds
 * @param {number} draw a random number in [0, 1)
 * @returns {number} milliseconds
 */
export function backoffDelay(failures, initial, maximum, draw) {
  const ceiling = Math.min(maximum, initial * 2 ** failures);
  return ceiling * (0.5 + 0.5 * draw) * 1000;
}

export class DirectFeed {
  /**
   * @param {DirectOptions} options
   * @param {DirectEnv} env
   * @param {OnPoints} onPoints called with the points of each frame, and the
   *   names of every series so far
   * @param {() => void} onStatus called when the status or counts changed
   */
  constructor(options, env, onPoints, onStatus) {
    this.options = options;
    this.env = env;
    this._onPoints = onPoints;
    this._onStatus = onStatus;
    this.extractor = new Extractor(options.spec);
    /** @type {"connecting" | "live" | "reconnecting" | "error" | "closed"} */
    this.status = "connecting";
    this.reconnects = 0;
    this.points = 0;
    this._failures = 0;
    /** @type {WebSocket | null} */
    this._socket = null;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this._timer = undefined;
    this._stopped = false;
    this._openedAt = -Infinity;
  }

  /** What the badge shows: the kernel feed's `feed_stats` shape. */
  get stats() {
    const kinds = this.extractor.errorKinds;
    return {
      messages: this.extractor.messages,
      points: this.points,
      errors: Object.values(kinds).reduce((a, b) => a + b, 0),
      error_kinds: { ...kinds },
      reconnects: this.reconnects,
      last_error: this.extractor.lastError,
    };
  }

  /** "time" or "number" once the first x value decided; null before. */
  get xKind() {
    const kind = this.extractor.xAxis.kind;
    return kind === "auto" ? null : kind;
  }

  start() {
    this._connect();
  }

  /** Closes the connection for good (the chart is gone). */
  stop() {
    this._stopped = true;
    clearTimeout(this._timer);
    this._timer = undefined;
    const socket = this._socket;
    this._socket = null;
    if (socket && socket.readyState <= 1) socket.close(1000);
    this._setStatus("closed");
  }

  _connect() {
    this._timer = undefined;
    if (this._stopped) return;
    let socket;
    try {
      socket = this.env.open(this.options.url);
    } catch (error) {
      // A URL the browser refuses (say ws:// from an https page): no retry can help.
      this.extractor.note(CONNECTION, `the page cannot open ${publicUrl(this.options.url)}: ${String(error)}`);
      this._setStatus("error");
      return;
    }
    this._socket = socket;
    socket.binaryType = "arraybuffer";
    const decode = decoderFor(this.options.decode ?? "json"); // one per connection: ndjson keeps state
    socket.onopen = () => {
      this._openedAt = this.env.now();
      if (this.options.subscribe != null) socket.send(this.options.subscribe);
      this._setStatus("live");
    };
    socket.onmessage = (event) => {
      const points = this.extractor.take(decode(event.data), this.env.now());
      this.points += points.length;
      if (points.length) this._onPoints(points, this.extractor.names);
    };
    socket.onclose = (event) => this._closed(socket, event.code, event.reason);
  }

  /**
   * @param {WebSocket} socket
   * @param {number} code
   * @param {string} reason
   */
  _closed(socket, code, reason) {
    if (socket !== this._socket || this._stopped) return;
    this._socket = null;
    const wasLive = this._openedAt > -Infinity;
    if (wasLive && this.env.now() - this._openedAt >= HEALTHY_MS) this._failures = 0;
    this._openedAt = -Infinity;
    const reconnect = this.options.reconnect ?? true;
    if (code === 1000 && reconnect !== "always") {
      this._setStatus("closed");
      return;
    }
    // Browsers tell a page nothing of why a connection failed (an HTTP refusal, a
    // certificate, no server all read 1006): the code and reason are all there is.
    this.extractor.note(CONNECTION, lostText(wasLive, code, reason, this.options.url));
    if (reconnect === false) {
      this._setStatus("error");
      return;
    }
    const delay = backoffDelay(
      this._failures,
      this.options.backoff ?? 0.5,
      this.options.maxBackoff ?? 30,
      (this.env.random ?? Math.random)(),
    );
    this._failures += 1;
    this._setStatus(wasLive ? "reconnecting" : "error");
    this._timer = setTimeout(() => {
      this.reconnects += 1;
      this._connect();
    }, delay);
  }

  /** @param {DirectFeed["status"]} status */
  _setStatus(status) {
    this.status = status;
    this._onStatus();
  }
}
