import { describe, expect, it } from "vitest";
import { kernelState } from "./kernel.js";

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
