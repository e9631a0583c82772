import { describe, expect, it } from "vitest";
import { LinkRegistry } from "./links.js";

/** A member that records what it was told to show. */
function member() {
  /** @type {Array<[number, number] | null>} */
  const told = [];
  return { told, apply: (/** @type {[number, number] | null} */ zoom) => told.push(zoom) };
}

describe("LinkRegistry", () => {
  it("tells the other members of a group, not the one that moved, nor other groups", () => {
    const links = new LinkRegistry();
    const a = member();
    const b = member();
    const c = member();
    const other = member();
    links.join("g", a);
    links.join("g", b);
    links.join("g", c);
    links.join("h", other);
    links.share("g", a, [1, 2]);
    links.share("g", b, null);
    expect(a.told).toEqual([null]);
    expect(b.told).toEqual([[1, 2]]);
    expect(c.told).toEqual([[1, 2], null]);
    expect(other.told).toEqual([]);
  });

  it("forgets a member that left, and a group left empty", () => {
    const links = new LinkRegistry();
    const a = member();
    const b = member();
    const leaveA = links.join("g", a);
    const leaveB = links.join("g", b);
    expect(links.size("g")).toBe(2);
    leaveA();
    links.share("g", b, [3, 4]);
    expect(a.told).toEqual([]);
    leaveB();
    expect(links.size("g")).toBe(0);
  });

  it("shares nothing for a view in no group", () => {
    const links = new LinkRegistry();
    const a = member();
    const b = member();
    links.join("", a);
    links.join("", b);
    links.share("", a, [1, 2]);
    expect(b.told).toEqual([]);
    expect(links.size("")).toBe(0);
  });
});
