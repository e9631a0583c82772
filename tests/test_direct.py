"""Browser-direct mode, kernel side: what such a chart accepts, and the page's points it takes.

The page's own reading of the feed is tested in js/direct.test.js and js/rules/, and the whole
path (a real page, a real feed, a real kernel restarted and shut down) in
tests/e2e/test_browser_source.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from livefeed import Feed, LiveChart
from livefeed._direct import POINTS_EVERY_S, POINTS_MAX, read_points

from .support.waiting import wait_for

ROOT = Path(__file__).resolve().parents[1]
URL = "wss://feed.example/v1/trades?token=tok-5678"


def page_message(
    names: list[str],
    points: list[tuple[int, float, float]],
    *,
    page: str = "page-1",
    status: str = "live",
    stats: dict[str, object] | None = None,
) -> tuple[dict[str, object], list[memoryview]]:
    """A "points" message as the page sends it: content and its x, y, series buffers."""
    series = np.array([p[0] for p in points], dtype="<u4")
    x = np.array([p[1] for p in points], dtype="<f8")
    y = np.array([p[2] for p in points], dtype="<f8")
    content = {
        "type": "points",
        "page": page,
        "names": names,
        "count": len(points),
        "status": status,
        "stats": stats or {"messages": 3, "errors": 1, "error_kinds": {"not_json": 1}},
    }
    return content, [memoryview(x.tobytes()), memoryview(y.tobytes()), memoryview(series.tobytes())]


def direct(charts: list[LiveChart], **options: object) -> LiveChart:
    chart = LiveChart(URL, x="ts", y="price", group_by="symbol", source="browser", **options)  # type: ignore[arg-type]
    charts.append(chart)
    return chart


def test_the_page_is_told_what_to_read_and_the_kernel_opens_nothing(
    charts: list[LiveChart],
) -> None:
    chart = direct(charts, subscribe={"op": "subscribe"}, decode="ndjson", backoff=0.25)
    assert chart._direct == {
        "url": URL,
        "subscribe": '{"op": "subscribe"}',
        "decode": "ndjson",
        "x": "ts",
        "y": ["price"],
        "group_by": "symbol",
        "x_type": "auto",
        "reconnect": True,
        "backoff": 0.25,
        "max_backoff": 30.0,
    }
    assert chart.feed is None
    # What the page shows and repr say has no token; the URL itself is in the page's state.
    assert chart.source == "wss://feed.example/v1/trades"
    assert "tok-5678" not in repr(chart)


@pytest.mark.parametrize(
    ("options", "said"),
    [
        ({"headers": {"Authorization": "Bearer x"}}, "headers= cannot go with"),
        ({"decode": "msgpack"}, 'a page reads "json" or "ndjson"'),
        ({"transform": lambda r: r}, "transform: not available"),
        ({"history": "https://feed.example/history"}, "history: not available"),
        ({"ping_interval": 5.0}, "ping_interval: not available"),
        ({"kind": "candles", "bar": "1min"}, "bars are built in the kernel"),
        ({"source": "page"}, "source must be 'kernel' or 'browser'"),
        ({"backoff": 0}, "backoff must be a positive number"),
    ],
)
def test_what_a_page_cannot_do_is_refused_clearly(options: dict[str, object], said: str) -> None:
    options = {"source": "browser", **options}
    with pytest.raises(ValueError, match=re.escape(said)):
        LiveChart(URL, x="ts", y="price", **options)  # type: ignore[arg-type]


def test_a_page_needs_a_websocket_url_of_its_own() -> None:
    for url in (None, "https://feed.example/x"):
        with pytest.raises(ValueError, match="needs a ws:// or wss:// URL"):
            LiveChart(url, source="browser")
    feed = Feed("ws://127.0.0.1:9/x")
    try:
        with pytest.raises(ValueError, match="needs a ws:// or wss:// URL"):
            LiveChart(feed, source="browser")  # type: ignore[arg-type]
    finally:
        feed.close()


def test_push_is_refused(charts: list[LiveChart]) -> None:
    with pytest.raises(RuntimeError, match="its page reads the feed"):
        direct(charts).push({"ts": 1, "price": 1, "symbol": "A"})


def test_the_page_points_become_chart_data_with_the_page_status_and_counts(
    charts: list[LiveChart],
) -> None:
    chart = direct(charts)
    ms = 1_764_000_000_000
    chart._on_view_message(
        None, *page_message(["ACME", "BETA"], [(0, ms, 10.0), (1, ms + 1, 20.0), (0, ms + 2, 11.0)])
    )
    data = chart.data
    assert data["series"].astype(str).tolist() == ["ACME", "BETA", "ACME"]
    assert data["value"].tolist() == [10.0, 20.0, 11.0]
    assert data["x"].iloc[0] == pd.Timestamp(ms, unit="ms", tz="UTC")
    wait_for(lambda: chart.x_kind == "time", what="the x axis said to be time")
    assert chart.status == "live"
    assert chart.stats["messages"] == 3
    assert chart.stats["error_kinds"] == {"not_json": 1}
    # The pump hands none of them back to the page, which holds them already.
    wait_for(lambda: chart.snapshot.get("seq", 0) >= 1, what="a snapshot of the page's points")


def test_one_page_is_heard_at_a_time(charts: list[LiveChart]) -> None:
    chart = direct(charts)
    chart._on_view_message(None, *page_message(["A"], [(0, 1.0, 1.0)], page="first"))
    chart._on_view_message(None, *page_message(["A"], [(0, 1.0, 1.0)], page="second"))
    assert len(chart.data) == 1  # the same points from a second page would be there twice


def test_a_malformed_page_message_is_counted_and_changes_nothing(
    charts: list[LiveChart],
) -> None:
    chart = direct(charts)
    content, buffers = page_message(["A"], [(0, 1.0, 1.0)])
    chart._on_view_message(None, {**content, "count": 2}, buffers)
    chart._on_view_message(None, {**content, "names": []}, buffers)
    assert len(chart.data) == 0
    assert chart.stats["error_kinds"].get("internal") == 2


def test_read_points_bounds() -> None:
    content, buffers = page_message(["A"], [])
    assert read_points({**content, "count": 0}, buffers).columns["x"].size == 0
    with pytest.raises(ValueError, match="count must be from 0"):
        read_points({**content, "count": POINTS_MAX + 1}, buffers)


def test_the_page_uses_the_same_period_and_bound_and_the_readme_says_them() -> None:
    js = (ROOT / "js" / "direct.js").read_text("utf-8")
    every = re.search(r"export const POINTS_EVERY_MS = ([\d_]+);", js)
    most = re.search(r"export const POINTS_MAX = ([\d_]+);", js)
    assert every and most
    assert int(every.group(1).replace("_", "")) == POINTS_EVERY_S * 1000
    assert int(most.group(1).replace("_", "")) == POINTS_MAX
    readme = (ROOT / "README.md").read_text("utf-8")
    assert f"at most {POINTS_MAX:,} points" in readme
    assert "once a second" in readme and POINTS_EVERY_S == 1.0


def _page_state(path: Path) -> dict[str, object]:
    text = path.read_text("utf-8")
    found = re.search(r'<script type="application/json" id="livefeed-state">(.*?)</script>', text)
    assert found
    state: dict[str, object] = json.loads(found.group(1))
    return state


def test_a_live_page_reads_the_chart_feed_and_other_pages_do_not(
    charts: list[LiveChart], tmp_path: Path
) -> None:
    chart = direct(charts, subscribe="hello")
    assert _page_state(chart.save(tmp_path / "still.html"))["_direct"] == {}
    live = _page_state(chart.save(tmp_path / "live.html", live=True))["_direct"]
    assert live == chart._direct
    # A chart the kernel feeds: its page reads the same feed, with the same fields.
    kernel = LiveChart("ws://127.0.0.1:9/ticker?key=k-1", x="ts", y="price", reconnect="always")
    charts.append(kernel)
    page = _page_state(kernel.save(tmp_path / "kernel.html", live=True))["_direct"]
    assert isinstance(page, dict)
    assert (page["url"], page["y"], page["reconnect"]) == (
        "ws://127.0.0.1:9/ticker?key=k-1",
        ["price"],
        "always",
    )


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda: LiveChart(None), "a chart fed by push() has none"),
        (
            lambda: LiveChart("ws://127.0.0.1:9/x", headers={"X-Key": "k"}),
            "headers= cannot go with a live page",
        ),
        (lambda: LiveChart("ws://127.0.0.1:9/x", decode="msgpack"), 'a page reads "json"'),
        (
            lambda: LiveChart("ws://127.0.0.1:9/x", kind="candles", bar="1min", x="t"),
            "candles are built in the kernel",
        ),
    ],
)
def test_a_live_page_of_a_feed_no_page_can_read_is_refused(
    charts: list[LiveChart], tmp_path: Path, make: Callable[[], LiveChart], said: str
) -> None:
    chart = make()
    charts.append(chart)
    with pytest.raises(ValueError, match=re.escape(said)):
        chart.save(tmp_path / "live.html", live=True)
    assert not (tmp_path / "live.html").exists()
    chart.save(tmp_path / "still.html")  # the page of its window is always there


def test_a_picture_is_not_live(charts: list[LiveChart], tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=re.escape("live=True makes a live .html page")):
        direct(charts).save(tmp_path / "chart.png", live=True)
