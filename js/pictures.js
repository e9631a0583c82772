// @ts-check
/**
 * The page's part of `chart.save("….png")` (docs/protocol.md, "Pictures"):
 * the kernel cannot draw, so it asks the model's views for a picture of what
 * they draw, and learns from them how many are open. No DOM here: a view
 * registers a function that makes its picture.
 */

/**
 * @typedef {() => Promise<Uint8Array | null>} Picture
 *   a view's PNG of what it draws now, or null when it has drawn nothing yet
 * @typedef {{type: "png", id: number} | {type: "png", id: number, error: string}} PictureReply
 * @typedef {{type: "views", page: string, count: number}} ViewsReport
 */

/** What one page's model of a chart knows of its views, and how it answers. */
export class Pictures {
  /**
   * @param {string} page this page's id: the kernel counts views per page
   * @param {(content: object, buffers?: ArrayBuffer[]) => void} send to the kernel
   */
  constructor(page, send) {
    this.page = page;
    this._send = send;
    /** @type {Picture[]} in the order the views appeared */
    this._views = [];
  }

  /**
   * A view appeared: it may answer for the model from now on. Returns the
   * function to call when it goes.
   * @param {Picture} picture
   */
  add(picture) {
    this._views.push(picture);
    this._report();
    return () => {
      const i = this._views.indexOf(picture);
      if (i >= 0) this._views.splice(i, 1);
      this._report();
    };
  }

  /** How many views are open. */
  get count() {
    return this._views.length;
  }

  /**
   * Answers a request of the kernel (`{type: "png", id}`): the first view that
   * has drawn something sends its picture; an error names why none could.
   * @param {number} id
   * @returns {Promise<void>}
   */
  async answer(id) {
    for (const picture of this._views) {
      let png;
      try {
        png = await picture();
      } catch (err) {
        this._send({ type: "png", id, error: `the page could not make the picture: ${err}` });
        return;
      }
      if (png) {
        const bytes = png.buffer.slice(png.byteOffset, png.byteOffset + png.byteLength);
        this._send({ type: "png", id }, [/** @type {ArrayBuffer} */ (bytes)]);
        return;
      }
    }
    const why = this._views.length ? "no view of the chart has drawn yet" : "no view of the chart is open";
    this._send({ type: "png", id, error: why });
  }

  _report() {
    this._send({ type: "views", page: this.page, count: this._views.length });
  }
}

/**
 * The id of a `png` request, or null for any other message.
 * @param {unknown} content
 * @returns {number | null}
 */
export function pictureRequest(content) {
  if (typeof content !== "object" || content === null) return null;
  const { type, id } = /** @type {{type?: unknown, id?: unknown}} */ (content);
  return type === "png" && typeof id === "number" && Number.isSafeInteger(id) ? id : null;
}

/** A page id: random, so that two pages (two tabs) of one kernel count apart. */
export function newPageId() {
  return Math.random().toString(36).slice(2, 12);
}
