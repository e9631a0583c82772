import { describe, expect, it } from "vitest";
import { describeStatus, UNDELIVERED } from "./badge.js";

describe("describeStatus", () => {
  it("describes a live feed with rate and points", () => {
    const v = describeStatus("live", { rate: 12.34, points: 45000, errors: 0, last_error: "" });
    expect(v.tone).toBe("live");
    expect(v.label).toBe("live");
    expect(v.facts).toEqual(["12 msg/s", "45,000 points"]);
    expect(v.error).toBe("");
    expect(v.notice).toBe("");
  });

  it("counts errors and shows the last one", () => {
    const v = describeStatus("error", { rate: 0, points: 3, errors: 2, last_error: "connection refused" });
    expect(v.facts).toContain("2 errors");
    expect(v.error).toBe("connection refused");
    expect(describeStatus("live", { errors: 1 }).facts).toContain("1 error");
  });

  it("counts the alerts that fired, and says nothing of alerts before one fires", () => {
    expect(describeStatus("live", { alerts: 3 }).facts).toContain("⚠ 3 alerts");
    expect(describeStatus("live", { alerts: 1 }).facts).toContain("⚠ 1 alert");
    expect(describeStatus("live", { alerts: 0 }).facts.join(" ")).not.toMatch(/alert/);
  });

  it("says that a saved page is one, and when it was saved, rather than not connected", () => {
    const v = describeStatus("live", { points: 1234 }, { disconnected: true, savedAt: Date.UTC(2026, 11, 2, 9, 5) });
    expect(v.label).toBe("saved page");
    expect(v.facts).toEqual(["1,234 points"]);
    expect(v.notice).toBe("Saved 2026-12-02 09:05 UTC: the chart's window as it was then. This page does not update.");
    expect(describeStatus("live", {}, { disconnected: true, savedAt: undefined }).label).toBe("not connected");
  });

  it("says when the next reconnect is", () => {
    expect(describeStatus("reconnecting", { retry_in: 2.2 }).label).toBe("reconnecting in 3 s");
    expect(describeStatus("reconnecting", { retry_in: null }).label).toBe("reconnecting");
    expect(describeStatus("error", { retry_in: 4 }).label).toBe("error, reconnecting in 4 s");
  });

  it("says plainly when the kernel is not connected", () => {
    const withData = describeStatus("live", {}, { disconnected: true, hasData: true });
    expect(withData.label).toBe("not connected");
    expect(withData.notice).toMatch(/not connected.*last saved data/);
    expect(describeStatus("live", {}, { disconnected: true, hasData: false }).notice).toMatch(/no saved data/);
  });

  it("says what the view shows when the kernel went away or restarted", () => {
    const gone = describeStatus("live", { rate: 5 }, { disconnected: true, hadLiveData: true, hasData: true });
    expect(gone.label).toBe("not connected");
    expect(gone.notice).toMatch(/not connected.*last data received/);
    expect(gone.facts).toEqual([]);
    const restarted = describeStatus("live", {}, { restarted: true, disconnected: true, hasData: true });
    expect(restarted.label).toBe("kernel restarted");
    expect(restarted.notice).toMatch(/restarted.*last data.*Run its cell again/);
    expect(describeStatus("live", {}, { restarted: true }).notice).not.toMatch(/last data/);
  });

  it("copes with unknown statuses and missing stats", () => {
    const v = describeStatus("<b>weird</b>", undefined);
    expect(v.tone).toBe("unknown");
    expect(v.facts).toEqual(["0 msg/s", "0 points"]);
  });
});

describe("a chart whose points never arrive", () => {
  it("says why instead of standing blank, and only then", () => {
    const stats = { points: 120, rate: 10 };
    expect(describeStatus("live", stats, { undelivered: true }).notice).toBe(UNDELIVERED);
    expect(UNDELIVERED).toMatch(/source="browser"/);
    expect(describeStatus("live", stats, {}).notice).toBe("");
  });
});
