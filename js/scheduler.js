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
 * is dirty (at least one view is drawn per frame, unless it rests: below), and
 * a frame's drawing stays near the budget however many charts there are.
 *
 * The budget counts only the time spent in draw calls, but a canvas costs the
 * browser more after the callback returns (rasterising what was drawn and
 * handing it to the compositor: with software rendering, more than the script
 * itself). So the scheduler also watches the frames themselves: when a frame
 * that drew several views is followed late (the display missed a refresh), a
 * frame may draw one view fewer than it did; after a run of frames on time
 * that left views waiting, one more. The cap settles where frames just fit:
 * each chart then redraws a little less often, and the page keeps the
 * display's frame rate.
 *
 * One view can cost more than a frame by itself (thousands of segments crossing
 * the plot: rasterising them takes the browser hundreds of milliseconds without
 * a GPU). Such a view then rests for COOLDOWN times what its last draw cost
 * before it is drawn again, so the page spends at most about a quarter of its
 * time on it and stays responsive; the view shows its data a little later.
 */

/**
 * @typedef {{
 *   request: (callback: (time: number) => void) => unknown,
 *   now: () => number,
 *   budgetMs: number,
 *   onError?: (err: unknown) => void,
 * }} SchedulerEnv
 *   request: schedules a callback for the next frame, called with the frame's
 *     time in milliseconds (requestAnimationFrame);
 *   now: a clock in milliseconds (performance.now);
 *   budgetMs: drawing time after which a frame draws no further view;
 *   onError: told when a view's draw throws (default console.error); the
 *     other views are still drawn.
 */

/** A frame this many times the display's refresh period (or longer) missed a refresh. */
export const LATE = 1.5;

/** Frames on time, while views were left waiting, before a frame may draw one view more. */
export const ON_TIME_RUN = 60;

/**
 * The refresh period assumed until frames show a shorter one (60 Hz). The
 * estimate is the shortest interval seen, let grow by DRIFT per frame so that
 * a slower display is found too; starting from a guess matters because a page
 * that is overloaded from its first frame never shows its true period.
 */
const ASSUMED_PERIOD_MS = 1000 / 60;
const DRIFT = 1.001;

/** How many times its own cost a view rests after a draw that made its frame late. */
export const COOLDOWN = 3;

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
    /** Frame time before which the view is not drawn again (see COOLDOWN). */
    this.readyAt = Number.NEGATIVE_INFINITY;
    /** How long its last draw call took (ms). */
    this.drawMs = 0;
  }

  /** Asks for a draw in a coming frame (once, however often it is asked). */
  mark() {
    if (!this._removed) this._scheduler._enqueue(this);
  }

  /**
   * Asks for a draw in the next frame, first in line and ending any rest: what
   * a user did (a zoom, a click) is shown at once, however heavy the view.
   */
  markNow() {
    if (this._removed) return;
    this.readyAt = Number.NEGATIVE_INFINITY;
    this._scheduler._enqueue(this, true);
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
    /** Views a frame may draw (lowered when frames come late). */
    this.cap = Number.POSITIVE_INFINITY;
    /** The views the last frame drew, and whether it left some waiting for the cap. */
    /** @type {Job[]} */
    this._lastJobs = [];
    this._lastCapped = false;
    /** Time of the last frame, or null when the next frame does not follow it directly. */
    /** @type {number | null} */
    this._lastTime = null;
    /** The display's refresh period, as estimated so far (ms). */
    this.period = ASSUMED_PERIOD_MS;
    this._onTime = 0;
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

  /**
   * @param {Job} job
   * @param {boolean} [first] put it first in line (already queued: moved there)
   */
  _enqueue(job, first = false) {
    if (first && this._queue.values().next().value !== job) {
      this._queue.delete(job);
      this._queue = new Set([job, ...this._queue]);
    } else {
      this._queue.add(job); // already queued: keeps its place
    }
    this._schedule();
  }

  /** @param {boolean} [always] request a frame even with nothing queued */
  _schedule(always = false) {
    if (this._scheduled || (this._queue.size === 0 && !always)) return;
    this._scheduled = true;
    this.env.request((time) => this._frame(time));
  }

  /**
   * Adjusts the cap from how long the last frame took (`interval`, from its
   * start to this one's), when this frame directly follows one that drew,
   * and rests the views it drew when it came late.
   * @param {number} interval
   * @param {number} time this frame's time
   */
  _pace(interval, time) {
    this.period = Math.min(this.period * DRIFT, interval);
    if (interval >= LATE * this.period) {
      // What the frame took beyond a refresh is what its views cost the browser, shared
      // in proportion to their own drawing time (what they asked the canvas to do).
      const excess = interval - this.period;
      const jobs = this._lastJobs;
      const total = jobs.reduce((sum, job) => sum + job.drawMs, 0);
      for (const job of jobs) {
        const share = total > 0 ? job.drawMs / total : 1 / jobs.length;
        job.readyAt = time + COOLDOWN * excess * share;
      }
      this._onTime = 0;
      if (jobs.length > 1) this.cap = jobs.length - 1;
      return;
    }
    if (!this._lastCapped) return;
    this._onTime += 1;
    if (this._onTime >= ON_TIME_RUN) {
      this._onTime = 0;
      this.cap += 1;
    }
  }

  /** @param {number} time */
  _frame(time) {
    this._scheduled = false;
    if (this._lastTime !== null && Number.isFinite(time)) this._pace(time - this._lastTime, time);
    const { now, budgetMs } = this.env;
    const start = now();
    // Only the jobs queued when the frame starts: a view marked again while
    // drawing (or drawn and marked by a message in between) waits for the next.
    const due = [...this._queue];
    let capped = false;
    /** @type {Job[]} */
    const jobs = [];
    for (const job of due) {
      if (jobs.length > 0 && now() - start >= budgetMs) break;
      if (job.readyAt > time) continue; // resting: stays queued, keeps its place
      if (jobs.length >= this.cap && this._queue.has(job)) {
        capped = true;
        break;
      }
      if (!this._queue.delete(job)) continue; // removed by an earlier draw
      jobs.push(job);
      const before = now();
      try {
        job.draw();
      } catch (err) {
        (this.env.onError ?? console.error)(err);
      }
      job.drawMs = now() - before;
    }
    this._lastJobs = jobs;
    this._lastCapped = capped;
    // A frame that drew is followed by the next one even with nothing left to
    // draw, to learn how long its drawing made it; after a frame that drew
    // nothing, the next interval would include an idle spell and mean nothing.
    this._lastTime = jobs.length > 0 ? time : null;
    this._schedule(jobs.length > 0);
  }
}
