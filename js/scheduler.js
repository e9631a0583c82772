// @ts-check
/**
 * One animation-frame loop shared by every view on the page.
 *
 * Each view drawing in a requestAnimationFrame callback of its own works for a
 * few charts, but with dozens of them every callback runs in the same frame and
 * the frame takes as long as all the redraws together: the page stutters and
 * input waits. Here a frame draws dirty views, oldest request first, until a
 * time budget is spent; the rest stay queued, ahead of views that become dirty
 * later, and go first in the next frame. So every view is drawn eventually (the
 * queue is first in, first out), a lone chart is still drawn in every frame it
 * is dirty (at least one view is drawn per frame), and a frame's drawing stays
 * near the budget however many charts there are.
 */

/**
 * @typedef {{
 *   request: (callback: () => void) => unknown,
 *   now: () => number,
 *   budgetMs: number,
 *   onError?: (err: unknown) => void,
 * }} SchedulerEnv
 *   request: schedules a callback for the next frame (requestAnimationFrame);
 *   now: a clock in milliseconds (performance.now);
 *   budgetMs: drawing time after which a frame draws no further view;
 *   onError: told when a view's draw throws (default console.error); the
 *     other views are still drawn.
 */

/** A view's place in the scheduler. */
export class Job {
  /**
   * @param {FrameScheduler} scheduler
   * @param {() => void} draw
   */
  constructor(scheduler, draw) {
    this._scheduler = scheduler;
    this.draw = draw;
    this._removed = false;
  }

  /** Asks for a draw in a coming frame (once, however often it is asked). */
  mark() {
    if (!this._removed) this._scheduler._enqueue(this);
  }

  /** Leaves the scheduler for good (the view is gone). */
  remove() {
    this._removed = true;
    this._scheduler._queue.delete(this);
  }
}

export class FrameScheduler {
  /** @param {SchedulerEnv} env */
  constructor(env) {
    this.env = env;
    /** Dirty jobs; a Set keeps insertion order, which is the drawing order.
     *  @type {Set<Job>} */
    this._queue = new Set();
    this._scheduled = false;
  }

  /**
   * Registers a view.
   * @param {() => void} draw draws the view once
   * @returns {Job}
   */
  add(draw) {
    return new Job(this, draw);
  }

  /** Jobs waiting for a frame. */
  get pending() {
    return this._queue.size;
  }

  /** @param {Job} job */
  _enqueue(job) {
    this._queue.add(job); // already queued: keeps its place
    this._schedule();
  }

  _schedule() {
    if (this._scheduled || this._queue.size === 0) return;
    this._scheduled = true;
    this.env.request(() => this._frame());
  }

  _frame() {
    this._scheduled = false;
    const { now, budgetMs } = this.env;
    const start = now();
    // Only the jobs queued when the frame starts: a view marked again while
    // drawing (or drawn and marked by a message in between) waits for the next.
    const due = [...this._queue];
    let drawn = 0;
    for (const job of due) {
      if (drawn > 0 && now() - start >= budgetMs) break;
      if (!this._queue.delete(job)) continue; // removed by an earlier draw
      drawn += 1;
      try {
        job.draw();
      } catch (err) {
        (this.env.onError ?? console.error)(err);
      }
    }
    this._schedule();
  }
}
