import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { backoffDelay, DirectFeed, HEALTHY_MS, lostText, publicUrl } from "./direct.js";

describe("backoffDelay", () => {
  it("doubles from the initial delay up to the maximum, drawn between half and all of it", () => {
    expect([0, 1, 2, 3, 10].map((n) => backoffDelay(n, 0.5, 3, 1))).toEqual([500, 1000, 2000, 3000, 3000]);
    expect(backoffDelay(1, 0.5, 3, 0)).toBe(500);
  });
});

describe("what a lost connection says", () => {
  it("names the feed without what may be secret", () => {
    expect(publicUrl("wss://bob:pw@feed.example:8443/v1?token=abc#x")).toBe("wss://feed.example:8443/v1");
    expect(lostText(false, 1006, "", "ws://h:1/x?token=abc")).toBe("cannot connect to ws://h:1/x (code 1006)");
    expect(lostText(true, 1006, "", "ws://h/")).toMatch(/without a close frame/);
    expect(lostText(true, 1011, "oops", "ws://h/")).toBe("connection closed with code 1011: oops");
  });
});

/** A stand-in for the browser's WebSocket: what the feed asks of it, driven by the test. */
class Socket {
  /** @param {string} url */
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    /** @type {unknown[]} */
    this.sent = [];
    this.binaryType = "blob";
    /** @type {(() => void) | null} */
    this.onopen = null;
    /** @type {((event: {data: unknown}) => void) | null} */
    this.onmessage = null;
    /** @type {((event: {code: number, reason: string}) => void) | null} */
    this.onclose = null;
  }
  /** @param {unknown} data */
  send(data) {
    this.sent.push(data);
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  /** @param {unknown} data */
  message(data) {
    this.onmessage?.({ data });
  }
  /** @param {number} code */
  lose(code, reason = "") {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

describe("DirectFeed", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /** @param {Partial<import("./direct.js").DirectOptions>} options */
  function feed(options = {}) {
    /** @type {Socket[]} */
    const sockets = [];
    let clock = 0;
    /** @type {Array<[import("./rules/extract.js").Point[], string[]]>} */
    const got = [];
    const statuses = /** @type {string[]} */ ([]);
    const direct = new DirectFeed(
      { url: "ws://feed/x", spec: { x: "t", y: ["v"] }, backoff: 1, maxBackoff: 4, ...options },
      {
        open: (url) => {
          const s = new Socket(url);
          sockets.push(s);
          return /** @type {WebSocket} */ (/** @type {unknown} */ (s));
        },
        now: () => clock,
        random: () => 1,
      },
      (points, names) => got.push([points, [...names]]),
      () => statuses.push(direct.status),
    );
    direct.start();
    return { direct, sockets, got, statuses, advance: (/** @type {number} */ ms) => (clock += ms) };
  }

  it("subscribes on every connect and reads frames with the shared rules", () => {
    const { direct, sockets, got } = feed({ subscribe: '{"op":"sub"}' });
    sockets[0].open();
    expect(sockets[0].sent).toEqual(['{"op":"sub"}']);
    expect(sockets[0].binaryType).toBe("arraybuffer");
    sockets[0].message('{"t": 1, "v": 2}');
    sockets[0].message("not json");
    expect(got).toEqual([[[{ series: 0, x: 1, y: 2 }], ["v"]]]);
    expect(direct.stats).toMatchObject({ messages: 2, points: 1, errors: 1, error_kinds: { not_json: 1 } });
    expect(direct.status).toBe("live");
  });

  it("reconnects after a loss with a growing delay, counted, and subscribes again", () => {
    const { direct, sockets, statuses } = feed({ subscribe: "sub" });
    sockets[0].open();
    sockets[0].lose(1006);
    expect(direct.status).toBe("reconnecting");
    expect(direct.stats.error_kinds).toEqual({ connection: 1 });
    vi.advanceTimersByTime(999);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
    expect(direct.reconnects).toBe(1);
    // Never connected: an error, retried after twice the delay.
    sockets[1].lose(1006);
    expect(direct.status).toBe("error");
    vi.advanceTimersByTime(1999);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    sockets[2].open();
    expect(sockets[2].sent).toEqual(["sub"]);
    expect(statuses).toEqual(["live", "reconnecting", "error", "live"]);
  });

  it("starts the backoff afresh after a connection that stayed up", () => {
    const { sockets, advance } = feed();
    sockets[0].lose(1006);
    vi.advanceTimersByTime(1000);
    sockets[1].lose(1006);
    vi.advanceTimersByTime(2000);
    sockets[2].open();
    advance(HEALTHY_MS);
    sockets[2].lose(1006);
    vi.advanceTimersByTime(1000);
    expect(sockets).toHaveLength(4);
  });

  it("ends at a normal close, unless told to reconnect always; and at any loss with reconnect false", () => {
    const normal = feed();
    normal.sockets[0].open();
    normal.sockets[0].lose(1000);
    vi.advanceTimersByTime(60_000);
    expect(normal.direct.status).toBe("closed");
    expect(normal.sockets).toHaveLength(1);

    const always = feed({ reconnect: "always" });
    always.sockets[0].open();
    always.sockets[0].lose(1000);
    vi.advanceTimersByTime(1000);
    expect(always.sockets).toHaveLength(2);

    const never = feed({ reconnect: false });
    never.sockets[0].open();
    never.sockets[0].lose(1006);
    vi.advanceTimersByTime(60_000);
    expect(never.direct.status).toBe("error");
    expect(never.sockets).toHaveLength(1);
  });

  it("stops for good: the socket closed, no retry pending", () => {
    const { direct, sockets } = feed();
    sockets[0].open();
    sockets[0].lose(1006);
    direct.stop();
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
    expect(direct.status).toBe("closed");
  });
});
