// @ts-check
/**
 * Linked x axes: views whose models share a link group (the `_link` trait,
 * set by `livefeed.link(...)` in Python) show the same x range. When one view
 * zooms, pans or goes back to following, every other view of the group is told
 * to do the same; each then draws in its own next frame. Only x is shared: y
 * ranges stay each chart's own, as their values may differ by orders.
 */

/**
 * @typedef {{apply: (zoom: [number, number] | null) => void}} LinkMember
 *   apply: show that x range (null: follow the newest data)
 */

export class LinkRegistry {
  constructor() {
    /** @type {Map<string, Set<LinkMember>>} */
    this._groups = new Map();
  }

  /**
   * Adds a view to a group ("" is no group: nothing is shared).
   * @param {string} group
   * @param {LinkMember} member
   * @returns {() => void} takes it out again
   */
  join(group, member) {
    if (!group) return () => {};
    let members = this._groups.get(group);
    if (!members) {
      members = new Set();
      this._groups.set(group, members);
    }
    members.add(member);
    return () => {
      members.delete(member);
      if (members.size === 0) this._groups.delete(group);
    };
  }

  /**
   * Tells every other member of `group` to show what `from` shows now.
   * @param {string} group
   * @param {LinkMember} from
   * @param {[number, number] | null} zoom
   */
  share(group, from, zoom) {
    const members = this._groups.get(group);
    if (!members) return;
    for (const member of members) if (member !== from) member.apply(zoom);
  }

  /**
   * How many views a group holds (for tests and data attributes).
   * @param {string} group
   */
  size(group) {
    return this._groups.get(group)?.size ?? 0;
  }
}
