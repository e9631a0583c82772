import { describe, expect, it } from "vitest";
import { newPageId, Pictures, pictureRequest } from "./pictures.js";

/**
 * @template T
 * @param {T[]} items
 * @returns {T}
 */
const last = (items) => items[items.length - 1];

/** A Pictures whose messages to the kernel are kept. */
function pictures() {
  /** @type {Array<[object, ArrayBuffer[] | undefined]>} */
  const sent = [];
  const p = new Pictures("page-1", (content, buffers) => sent.push([content, buffers]));
  return { p, sent };
}

describe("Pictures", () => {
  it("tells the kernel how many views the page has, as they come and go", () => {
    const { p, sent } = pictures();
    const dropA = p.add(async () => null);
    const dropB = p.add(async () => null);
    dropA();
    dropA(); // twice: nothing more goes
    dropB();
    expect(sent.map(([c]) => c)).toEqual([
      { type: "views", page: "page-1", count: 1 },
      { type: "views", page: "page-1", count: 2 },
      { type: "views", page: "page-1", count: 1 },
      { type: "views", page: "page-1", count: 1 },
      { type: "views", page: "page-1", count: 0 },
    ]);
    expect(p.count).toBe(0);
  });

  it("answers with the picture of the first view that has drawn", async () => {
    const { p, sent } = pictures();
    p.add(async () => null); // appeared, has not drawn yet
    p.add(async () => Uint8Array.from([0x89, 0x50, 0x4e, 0x47]));
    p.add(async () => Uint8Array.from([9, 9]));
    sent.length = 0;
    await p.answer(7);
    expect(sent).toHaveLength(1);
    const [content, buffers] = sent[0];
    expect(content).toEqual({ type: "png", id: 7 });
    expect([...new Uint8Array(/** @type {ArrayBuffer[]} */ (buffers)[0])]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });

  it("sends only the picture's own bytes from a view into a larger buffer", async () => {
    const { p, sent } = pictures();
    const big = Uint8Array.from([1, 2, 3, 4, 5, 6]);
    p.add(async () => big.subarray(2, 4));
    await p.answer(1);
    expect([...new Uint8Array(/** @type {ArrayBuffer[]} */ (last(sent)[1])[0])]).toEqual([3, 4]);
  });

  it("says why there is no picture", async () => {
    const none = pictures();
    await none.p.answer(3);
    expect(last(none.sent)[0]).toEqual({ type: "png", id: 3, error: "no view of the chart is open" });
    const blank = pictures();
    blank.p.add(async () => null);
    await blank.p.answer(4);
    expect(last(blank.sent)[0]).toEqual({ type: "png", id: 4, error: "no view of the chart has drawn yet" });
    const broken = pictures();
    broken.p.add(async () => {
      throw new Error("tainted canvas");
    });
    await broken.p.answer(5);
    expect(last(broken.sent)[0]).toEqual({
      type: "png",
      id: 5,
      error: "the page could not make the picture: Error: tainted canvas",
    });
  });
});

describe("pictureRequest", () => {
  it("reads the id of a png request and nothing else", () => {
    expect(pictureRequest({ type: "png", id: 12 })).toBe(12);
    expect(pictureRequest({ type: "png", id: "12" })).toBeNull();
    expect(pictureRequest({ type: "png", id: 1.5 })).toBeNull();
    expect(pictureRequest({ type: "batch", seq: 1 })).toBeNull();
    expect(pictureRequest(null)).toBeNull();
  });

  it("gives pages ids of their own", () => {
    expect(newPageId()).not.toBe(newPageId());
    expect(newPageId()).toMatch(/^[0-9a-z]+$/);
  });
});
