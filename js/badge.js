// @ts-check
import { formatCount, formatRate, formatSeconds } from "./format.js";

/**
 * The connection status badge: a coloured dot with the state, the message
 * rate, point and error counts, the last error, and a plain notice when the
 * kernel does not answer (a saved notebook opened without its kernel).
 */

const STATUSES = ["connecting", "live", "reconnecting", "closed", "error"];

/**
 * The `feed_stats` trait (docs/protocol.md); empty until the kernel first sets it.
 * @typedef {{
 *   messages?: number,
 *   points?: number,
 *   errors?: number,
 *   reconnects?: number,
 *   last_error?: string,
 *   rate?: number,
 *   error_kinds?: Record<string, number>,
 *   coalesced?: number,
 *   retry_in?: number | null,
 *   alerts?: number,
 * }} FeedStats
 */

/**
 * @typedef {{
 *   tone: string,
 *   label: string,
 *   facts: string[],
 *   error: string,
 *   notice: string,
 * }} StatusView
 */

/**
 * Decides what the badge says. Pure, so the wording can be tested.
 * @param {unknown} status the `feed_status` trait
 * @param {unknown} stats the `feed_stats` trait (see FeedStats)
 * @param {{disconnected?: boolean, restarted?: boolean, hadLiveData?: boolean, hasData?: boolean, savedAt?: unknown, undelivered?: boolean}} [view]
 *   disconnected: no kernel feeds this view (none answered its sync in time, or
 *   the kernel was shut down, died or cannot be reached);
 *   restarted: the kernel restarted, so this chart's Python object is gone;
 *   hadLiveData: the kernel sent this view data before it went away;
 *   hasData: the view shows points (its last ones, or the saved snapshot);
 *   savedAt: on a page saved by `chart.save("….html")`, when it was saved (epoch ms);
 *   undelivered: the kernel sent points long ago and none reached this page (see
 *   Store.undelivered): a front end that does not pass livefeed's messages
 * @returns {StatusView}
 */
export function describeStatus(status, stats, view = {}) {
  const s = typeof status === "string" && STATUSES.includes(status) ? status : "unknown";
  /** @type {{[K in keyof FeedStats]?: unknown}} what the trait holds, whatever its types */
  const st = stats && typeof stats === "object" ? stats : {};
  const savedAt = Number(view.savedAt);
  if (view.savedAt != null && Number.isFinite(savedAt)) {
    // No kernel was ever meant to answer: "not connected" would read as a fault.
    const when = `${new Date(savedAt).toISOString().slice(0, 16).replace("T", " ")} UTC`;
    return {
      tone: "closed",
      label: "saved page",
      facts: [`${formatCount(st.points)} points`],
      error: "",
      notice: `Saved ${when}: the chart's window as it was then. This page does not update.`,
    };
  }
  if (view.restarted) {
    return {
      tone: "offline",
      label: "kernel restarted",
      facts: [],
      error: "",
      notice: view.hasData
        ? "The kernel restarted, so this chart gets no more data: showing its last data. Run its cell again for a live chart."
        : "The kernel restarted, so this chart gets no more data. Run its cell again for a live chart.",
    };
  }
  if (view.disconnected) {
    let notice = "The kernel is not connected and no saved data is available.";
    if (view.hasData) {
      notice = view.hadLiveData
        ? "The kernel is not connected: showing the last data received."
        : "The kernel is not connected: showing the last saved data.";
    }
    return { tone: "offline", label: "not connected", facts: [], error: "", notice };
  }
  let label = s;
  const retry = Number(st.retry_in);
  if (st.retry_in != null && Number.isFinite(retry)) {
    const wait = `reconnecting in ${formatSeconds(retry)}`;
    label = s === "reconnecting" ? wait : `${s}, ${wait}`;
  }
  const facts = [formatRate(st.rate), `${formatCount(st.points)} points`];
  const errors = Number(st.errors) || 0;
  if (errors > 0) facts.push(`${formatCount(errors)} ${errors === 1 ? "error" : "errors"}`);
  const alerts = Number(st.alerts) || 0;
  if (alerts > 0) facts.push(`⚠ ${formatCount(alerts)} ${alerts === 1 ? "alert" : "alerts"}`);
  const error = typeof st.last_error === "string" ? st.last_error : "";
  // Never a blank box without a word: the kernel's counts say points were sent.
  const notice = view.undelivered ? UNDELIVERED : "";
  return { tone: s, label, facts, error, notice };
}

/** What a chart says when the kernel sends points and none arrive. */
export const UNDELIVERED =
  "The kernel sent points, but none reached this page: this front end may not pass widget " +
  "messages with binary buffers, which livefeed needs (see the README's list of front ends). " +
  'LiveChart(..., source="browser") draws without them.';

/** The badge element; every string from the feed goes in as text, never markup. */
export class Badge {
  constructor() {
    this.el = document.createElement("div");
    this.el.className = "livefeed-badge";
    this.el.setAttribute("role", "status");
    const line = document.createElement("div");
    line.className = "livefeed-badge-line";
    this.dot = document.createElement("span");
    this.dot.className = "livefeed-dot";
    this.label = document.createElement("span");
    this.label.className = "livefeed-badge-label";
    this.facts = document.createElement("span");
    this.facts.className = "livefeed-badge-facts";
    line.append(this.dot, this.label, this.facts);
    this.error = document.createElement("div");
    this.error.className = "livefeed-badge-error";
    this.notice = document.createElement("div");
    this.notice.className = "livefeed-badge-notice";
    this.el.append(line, this.error, this.notice);
  }

  /** @param {StatusView} v */
  show(v) {
    this.el.dataset.tone = v.tone;
    this.label.textContent = v.label;
    this.facts.textContent = v.facts.length ? ` · ${v.facts.join(" · ")}` : "";
    this.error.textContent = v.error ? `Last error: ${v.error}` : "";
    // The line is cut to one line; the whole message shows on hover.
    this.error.title = v.error;
    this.error.hidden = !v.error;
    this.notice.textContent = v.notice;
    this.notice.hidden = !v.notice;
  }
}
