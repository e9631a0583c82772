// @ts-check
/**
 * Whether the kernel behind a view can still feed it. The widget model says
 * nothing when its kernel is shut down, and on a restart it only flips
 * `comm_live` (announced by a "comm_live_update" event, without the value).
 * What the widget manager knows is more direct: JupyterLab's and Notebook 7's
 * managers expose the current kernel (null once it is shut down) with its
 * status and connection status. Other front ends may expose neither: then the
 * chart relies on what it hears (see `Liveness`).
 */

/**
 * @typedef {"ok" | "gone" | "unknown"} KernelState
 *   ok: a kernel is connected; gone: no kernel, or a dead or unreachable one;
 *   unknown: this front end does not say.
 */

/** Kernel statuses after which this kernel will not talk to the view again. */
const DEAD = new Set(["dead", "restarting", "autorestarting", "terminating"]);

/**
 * What a widget manager may say of its kernel (JupyterLab's `Kernel.IKernelConnection`);
 * anything may be missing.
 * @typedef {{isDisposed?: unknown, status?: unknown, connectionStatus?: unknown}} KernelFacts
 */

/**
 * @param {unknown} manager the model's `widget_manager`
 * @returns {KernelState}
 */
export function kernelState(manager) {
  if (!manager || typeof manager !== "object" || !("kernel" in manager)) return "unknown";
  /** @type {unknown} */
  let kernel;
  try {
    kernel = manager.kernel;
  } catch {
    // A disposed manager may throw from its getter: its kernel is certainly gone.
    return "gone";
  }
  if (!kernel) return "gone";
  const facts = /** @type {KernelFacts} */ (kernel);
  if (facts.isDisposed === true) return "gone";
  if (typeof facts.status === "string" && DEAD.has(facts.status)) return "gone";
  if (facts.connectionStatus === "disconnected") return "gone";
  return "ok";
}

/**
 * Whether the kernel is running a cell, as far as the widget manager says
 * (false when it says nothing): what the page sends it then waits in line.
 * @param {unknown} manager the model's `widget_manager`
 */
export function kernelBusy(manager) {
  try {
    const kernel = /** @type {{kernel?: KernelFacts | null}} */ (manager)?.kernel;
    return kernel?.status === "busy";
  } catch {
    return false;
  }
}

/** After this long without a word from the kernel since the chart asked it for
 *  data, the chart is said to be not connected (a saved notebook opened without
 *  the kernel that made it: its widget has no comm, so nothing will ever come). */
export const NOT_CONNECTED_AFTER_MS = 3000;

/**
 * @typedef {"ok" | "gone" | "restarted"} KernelLabel
 *   what the view publishes as data-livefeed-kernel.
 */

/**
 * What a chart knows of the kernel that feeds it, from what it saw. Pure: the
 * caller feeds it events and the time, and reads the verdict.
 *
 * Any message from the kernel (a batch, a reset, a trait change) is evidence
 * that the kernel is there. An unanswered sync alone is not: messages from the
 * page wait while a cell runs, so a live kernel may answer a sync only minutes
 * later. Silence counts only for a chart that asked and has heard nothing at all
 * since it was made, which is what a widget restored from a saved notebook
 * without its kernel sees. A kernel restart or shutdown is told directly (the
 * widget manager's events and kernel state).
 */
export class Liveness {
  constructor() {
    /** @type {KernelState} the widget manager's last word on the kernel */
    this.kernel = "unknown";
    /** The kernel restarted: this chart's Python object is gone for good. */
    this.restarted = false;
    /** Some message came from the kernel since the chart was made. */
    this.heard = false;
    /** When the chart first asked the kernel for data, if it had heard nothing before. */
    this.askedAt = /** @type {number | null} */ (null);
    /** That request went unanswered, with nothing else heard, for NOT_CONNECTED_AFTER_MS. */
    this.silent = false;
  }

  /** Whether the kernel can be sent anything (sending to a dead kernel throws). */
  get canSend() {
    return !this.restarted && this.kernel !== "gone";
  }

  /** Whether a kernel feeds this chart, as far as the chart can tell. */
  get connected() {
    return this.canSend && !this.silent;
  }

  /** @returns {KernelLabel} */
  get label() {
    if (this.restarted) return "restarted";
    return this.kernel === "gone" ? "gone" : "ok";
  }

  /**
   * The chart sent a sync.
   * @param {number} now milliseconds
   */
  asked(now) {
    if (!this.heard && this.askedAt === null) this.askedAt = now;
  }

  /**
   * A message came from the kernel.
   * @returns {boolean} the verdict changed
   */
  hear() {
    this.heard = true;
    if (!this.silent) return false;
    this.silent = false;
    return true;
  }

  /**
   * The time passed.
   * @param {number} now milliseconds
   * @returns {boolean} the verdict changed
   */
  tick(now) {
    if (this.heard || this.silent || this.askedAt === null) return false;
    if (now - this.askedAt < NOT_CONNECTED_AFTER_MS) return false;
    this.silent = true;
    return true;
  }

  /**
   * The widget manager's word on the kernel (see `kernelState`).
   * @param {KernelState} state
   * @returns {{changed: boolean, back: boolean}} back: the kernel was gone and is
   *   there again (messages may have been lost meanwhile)
   */
  setKernel(state) {
    if (state === this.kernel) return { changed: false, back: false };
    const back = this.kernel === "gone";
    this.kernel = state;
    return { changed: true, back };
  }

  /**
   * The kernel restarted.
   * @returns {boolean} the verdict changed
   */
  restart() {
    if (this.restarted) return false;
    this.restarted = true;
    return true;
  }
}
