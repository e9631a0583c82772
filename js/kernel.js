// @ts-check
/**
 * Whether the kernel behind a view can still feed it. The widget model says
 * nothing when its kernel is shut down, and on a restart it only flips
 * `comm_live` (announced by a "comm_live_update" event, without the value).
 * What the widget manager knows is more direct: JupyterLab's and Notebook 7's
 * managers expose the current kernel (null once it is shut down) with its
 * status and connection status. Other front ends may expose neither: then the
 * view relies on the "no answer to sync" timeout alone.
 */

/**
 * @typedef {"ok" | "gone" | "unknown"} KernelState
 *   ok: a kernel is connected; gone: no kernel, or a dead or unreachable one;
 *   unknown: this front end does not say.
 */

/** Kernel statuses after which this kernel will not talk to the view again. */
const DEAD = new Set(["dead", "restarting", "autorestarting", "terminating"]);

/**
 * @param {any} manager the model's `widget_manager`
 * @returns {KernelState}
 */
export function kernelState(manager) {
  if (!manager || typeof manager !== "object" || !("kernel" in manager)) return "unknown";
  let kernel;
  try {
    kernel = manager.kernel;
  } catch {
    // A disposed manager may throw from its getter: its kernel is certainly gone.
    return "gone";
  }
  if (!kernel) return "gone";
  if (kernel.isDisposed === true) return "gone";
  if (DEAD.has(kernel.status)) return "gone";
  if (kernel.connectionStatus === "disconnected") return "gone";
  return "ok";
}
