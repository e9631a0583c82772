import { describe, expect, it } from "vitest";
import { kernelState, Liveness, NOT_CONNECTED_AFTER_MS } from "./kernel.js";

describe("kernelState", () => {
  it("is unknown when the manager does not expose a kernel", () => {
    expect(kernelState(undefined)).toBe("unknown");
    expect(kernelState({})).toBe("unknown");
  });

  it("is gone without a kernel, or with a dead or disconnected one", () => {
    expect(kernelState({ kernel: null })).toBe("gone");
    expect(kernelState({ kernel: { status: "dead", connectionStatus: "connected" } })).toBe("gone");
    expect(kernelState({ kernel: { status: "restarting", connectionStatus: "connected" } })).toBe("gone");
    expect(kernelState({ kernel: { status: "idle", connectionStatus: "disconnected" } })).toBe("gone");
    expect(kernelState({ kernel: { status: "idle", isDisposed: true } })).toBe("gone");
    const throwing = {
      get kernel() {
        throw new Error("disposed");
      },
    };
    expect(kernelState(throwing)).toBe("gone");
  });

  it("is ok with a connected kernel, busy or reconnecting", () => {
    expect(kernelState({ kernel: { status: "busy", connectionStatus: "connected" } })).toBe("ok");
    expect(kernelState({ kernel: { status: "idle", connectionStatus: "connecting" } })).toBe("ok");
  });
});

describe("Liveness", () => {
  it("says nothing against a kernel that never had to answer", () => {
    const live = new Liveness();
    expect(live.tick(1e9)).toBe(false);
    expect(live.connected).toBe(true);
    expect(live.label).toBe("ok");
  });

  it("calls a chart not connected when its sync met silence, and connected again at the first word", () => {
    const live = new Liveness();
    live.asked(1000);
    expect(live.tick(1000 + NOT_CONNECTED_AFTER_MS - 1)).toBe(false);
    expect(live.connected).toBe(true);
    expect(live.tick(1000 + NOT_CONNECTED_AFTER_MS)).toBe(true);
    expect(live.connected).toBe(false);
    expect(live.label).toBe("ok"); // the kernel itself is not known to be gone
    expect(live.hear()).toBe(true);
    expect(live.connected).toBe(true);
  });

  it("takes any word from the kernel as enough, however long a sync waits", () => {
    const live = new Liveness();
    live.hear();
    live.asked(0); // say a gap while a cell runs: the answer comes when the cell ends
    expect(live.tick(60_000)).toBe(false);
    expect(live.connected).toBe(true);
    const later = new Liveness();
    later.asked(0);
    later.hear();
    expect(later.tick(60_000)).toBe(false);
    expect(later.connected).toBe(true);
  });

  it("follows the widget manager's word on the kernel, and says when it is back", () => {
    const live = new Liveness();
    expect(live.setKernel("ok")).toEqual({ changed: true, back: false });
    expect(live.setKernel("ok")).toEqual({ changed: false, back: false });
    expect(live.setKernel("gone")).toEqual({ changed: true, back: false });
    expect(live.connected).toBe(false);
    expect(live.canSend).toBe(false);
    expect(live.label).toBe("gone");
    expect(live.setKernel("ok")).toEqual({ changed: true, back: true });
    expect(live.connected).toBe(true);
  });

  it("stays restarted for good", () => {
    const live = new Liveness();
    live.hear();
    expect(live.restart()).toBe(true);
    expect(live.restart()).toBe(false);
    live.setKernel("ok");
    live.hear();
    expect(live.label).toBe("restarted");
    expect(live.connected).toBe(false);
    expect(live.canSend).toBe(false);
  });
});
