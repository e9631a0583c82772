"""How a chart looks: kinds, series styles, y scale and range, annotations (Python side)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import numpy as np
import pandas as pd
import pytest
import traitlets

from livefeed import LiveChart, link
from livefeed._core.pipeline import ChartSpec, Pipeline
from livefeed._style import DASHES, KINDS, MAX_LABEL, MAX_WIDTH, series_styles, x_position


def test_the_kinds_are_the_five_the_readme_names() -> None:
    assert KINDS == ("line", "step", "scatter", "area", "bars")


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_is_taken_and_synced(charts: list[LiveChart], kind: str) -> None:
    chart = LiveChart(None, kind=kind)
    charts.append(chart)
    assert chart.kind == kind
    assert chart.get_state()["_kind"] == kind


def test_the_kind_changes_later_and_is_checked(charts: list[LiveChart]) -> None:
    chart = LiveChart(None)
    charts.append(chart)
    assert chart.kind == "line"
    chart.kind = "bars"
    assert chart.get_state()["_kind"] == "bars"
    with pytest.raises(ValueError, match="kind must be one of 'line', 'step'"):
        chart.kind = "pie"
    assert chart.kind == "bars"


def test_series_styles_are_checked_and_kept_as_given(charts: list[LiveChart]) -> None:
    chart = LiveChart(
        None,
        y=["price", "volume"],
        series={
            "volume": {"kind": "bars", "axis": "right", "color": "#1f77b4"},
            "price": {"width": 2, "dash": "dashed", "visible": True},
        },
    )
    charts.append(chart)
    assert chart.series == {
        "volume": {"kind": "bars", "axis": "right", "color": "#1f77b4"},
        "price": {"width": 2.0, "dash": DASHES["dashed"], "visible": True},
    }
    assert json.loads(json.dumps(chart.get_state()["_series"])) == chart.series


def test_style_changes_one_series_and_keeps_the_rest(charts: list[LiveChart]) -> None:
    chart = LiveChart(None, series={"a": {"color": "red", "width": 3}})
    charts.append(chart)
    chart.style("a", visible=False)
    chart.style("b", axis="right", dash=[2, 2])
    assert chart.series == {
        "a": {"color": "red", "width": 3.0, "visible": False},
        "b": {"axis": "right", "dash": [2.0, 2.0]},
    }
    # What `series` returns is a copy: changing it changes nothing.
    chart.series["a"]["color"] = "blue"
    assert chart.series["a"]["color"] == "red"
    chart.series = None  # type: ignore[assignment]
    assert chart.get_state()["_series"] == {}


def test_each_y_axis_is_labelled_with_the_fields_drawn_on_it(charts: list[LiveChart]) -> None:
    chart = LiveChart(
        None, x="t", y=["price", "volume", "spread"], series={"volume": {"axis": "right"}}
    )
    charts.append(chart)
    assert (chart.y_label, chart.y2_label) == ("price, spread", "volume")
    chart.style("spread", axis="right")
    assert (chart.y_label, chart.y2_label) == ("price", "volume, spread")
    chart.series = {}
    assert (chart.y_label, chart.y2_label) == ("price, volume, spread", "")
    candles = LiveChart(None, x="t", y="p", kind="candles", bar="1min", volume="q")
    charts.append(candles)
    assert (candles.y_label, candles.y2_label) == ("p", "q")


@pytest.mark.parametrize(
    ("series", "error", "text"),
    [
        ({"a": {"colour": "red"}}, ValueError, "unknown option.*colour.*valid ones are: color"),
        ({"a": {"color": "red; background: url(x)"}}, ValueError, "is not a CSS colour"),
        ({"a": {"color": 3}}, TypeError, "CSS colour string"),
        ({"a": {"width": 0}}, ValueError, "above 0 and at most 20"),
        ({"a": {"width": MAX_WIDTH + 1}}, ValueError, "at most 20 pixels"),
        ({"a": {"width": float("nan")}}, ValueError, "finite"),
        ({"a": {"dash": "wavy"}}, ValueError, "'solid', 'dashed', 'dotted'"),
        ({"a": {"dash": [0, 0]}}, ValueError, "not all 0"),
        ({"a": {"axis": "top"}}, ValueError, "'left' or 'right'"),
        ({"a": {"visible": "no"}}, TypeError, "True or False"),
        ({"a": {"kind": "pie"}}, ValueError, r"series\['a'\] kind must be one of"),
        ({"a": "red"}, TypeError, "must be a dict of options"),
        ({1: {}}, TypeError, "series names are strings"),
        (["a"], TypeError, "dict from series name"),
    ],
)
def test_bad_series_styles_are_refused_by_name(series: Any, error: type, text: str) -> None:
    with pytest.raises(error, match=text):
        series_styles(series)


def test_max_width_is_twenty_pixels() -> None:
    assert MAX_WIDTH == 20.0
    assert series_styles({"a": {"width": 20}}) == {"a": {"width": 20.0}}


def test_numpy_values_are_taken_as_styles() -> None:
    styles = series_styles({"a": {"width": np.float32(2.5), "visible": np.bool_(False)}})
    assert styles == {"a": {"width": 2.5, "visible": False}}
    assert type(styles["a"]["width"]) is float
    assert type(styles["a"]["visible"]) is bool


def test_y_range_may_fix_either_side(charts: list[LiveChart]) -> None:
    chart = LiveChart(None, y_range=(0, None))
    charts.append(chart)
    assert chart.y_range == (0.0, None)
    chart.y_range = (None, np.float64(100))  # type: ignore[assignment]
    assert chart.get_state()["_y_range"] == [None, 100.0]
    chart.y_range = None
    assert chart.y_range is None
    assert chart.get_state()["_y_range"] == []
    with pytest.raises(ValueError, match="low must be below high"):
        chart.y_range = (5, 5)
    with pytest.raises(TypeError, match="pair"):
        chart.y_range = (1, 2, 3)  # type: ignore[assignment]


def test_a_log_scale_counts_the_values_it_cannot_draw(charts: list[LiveChart]) -> None:
    chart = LiveChart(None, x="i", y=["a", "b"], y_scale="log")
    charts.append(chart)
    chart.push({"i": [1, 2, 3, 4], "a": [10.0, 0.0, -5.0, 1e-3], "b": [1, 2, 5, -1]})
    chart.push([{"i": 5, "a": 0, "b": 3}])
    # The values stay as sent: only the drawing leaves them out.
    assert chart.data["value"].tolist()[:2] == [10.0, 1.0]
    assert chart.stats["log_gaps"] == 4  # 0, -5, -1 and the row's 0: not errors
    assert chart.stats["errors"] == 0
    assert chart.y_scale == "log"
    with pytest.raises(traitlets.TraitError, match="y_scale is fixed"):
        chart._y_scale = "linear"
    with pytest.raises(ValueError, match="above 0"):
        chart.y_range = (0, 10)
    with pytest.raises(ValueError, match="above 0"):
        LiveChart(None, y_scale="log", y_range=(-1, None))


def test_a_linear_scale_counts_no_log_gaps() -> None:
    pipeline = Pipeline(ChartSpec(y=("v",), x="i"))
    pipeline.feed(b'[{"i": 1, "v": -1}, {"i": 2, "v": 0}]', 0.0)
    assert pipeline.log_gaps == 0
    logged = Pipeline(ChartSpec(y=("v",), x="i", log_y=True))
    logged.feed(b'[{"i": 1, "v": -1}, {"i": 2, "v": 0}, {"i": 3, "v": 2}]', 0.0)
    assert logged.log_gaps == 2
    assert logged.points == 3


@pytest.mark.parametrize(
    ("kwargs", "error", "text"),
    [
        ({"kind": "Line"}, ValueError, "kind must be one of"),
        ({"y_scale": "log2"}, ValueError, "y_scale must be 'linear' or 'log'"),
        ({"y_range": (1,)}, TypeError, "pair"),
        ({"y_range": (0, float("inf"))}, ValueError, "finite"),
        ({"series": {"v": {"axis": 1}}}, ValueError, "'left' or 'right'"),
    ],
)
def test_look_arguments_are_checked(kwargs: dict[str, Any], error: type, text: str) -> None:
    with pytest.raises(error, match=text):
        LiveChart(None, **kwargs)


def test_annotations_are_kept_in_the_chart_state(charts: list[LiveChart]) -> None:
    chart = LiveChart(None, x="t", y="v")
    charts.append(chart)
    limit = chart.hline(100, label="limit", color="crimson")
    start = chart.vline(datetime(2026, 1, 1, tzinfo=timezone.utc), label="open")
    event = chart.mark("2026-01-01T00:00:30Z", "deploy")
    at = chart.vline(pd.Timestamp("2026-01-01T00:01:00Z"))
    assert len({limit, start, event, at}) == 4
    state = chart.get_state()["_annotations"]
    assert state == chart.annotations
    assert [item["type"] for item in state] == ["hline", "vline", "mark", "vline"]
    assert state[0] == {"type": "hline", "y": 100.0, "label": "limit", "color": "crimson", "id": 1}
    assert state[1]["x"] == 1767225600000.0
    assert state[2]["x"] == 1767225630000.0
    assert state[2]["text"] == "deploy"
    assert state[3]["x"] == 1767225660000.0
    chart.remove_annotation(start)
    assert [item["id"] for item in chart.annotations] == [limit, event, at]
    with pytest.raises(KeyError, match="no annotation of id 99"):
        chart.remove_annotation(99)
    chart.clear_annotations()
    assert chart.get_state()["_annotations"] == []
    # Ids are never reused, so a stale id cannot remove a newer annotation.
    assert chart.hline(1) > at


def test_annotation_arguments_are_checked(charts: list[LiveChart]) -> None:
    chart = LiveChart(None)
    charts.append(chart)
    with pytest.raises(TypeError, match="y value"):
        chart.hline(datetime(2026, 1, 1))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not a time livefeed can place"):
        chart.vline("yesterday")
    with pytest.raises(TypeError, match="text must be a string"):
        chart.mark(1, None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not a CSS colour"):
        chart.hline(1, color="url(javascript:x)")
    assert chart.annotations == []
    chart.mark(1, "x" * (MAX_LABEL + 50))
    assert len(chart.annotations[0]["text"]) == MAX_LABEL == 200


def test_numbers_place_annotations_as_they_are() -> None:
    assert x_position(5) == (5.0, False)
    assert x_position(np.int64(7)) == (7.0, False)
    assert x_position(np.datetime64("2026-01-01T00:00:01")) == (1767225601000.0, True)


def test_follow_takes_points_or_a_span(charts: list[LiveChart]) -> None:
    chart = LiveChart(None, follow="60s")
    charts.append(chart)
    assert chart.follow == {"ms": 60_000.0}
    chart.follow = 500
    assert chart.get_state()["_follow"] == {"points": 500.0}
    chart.follow = timedelta(minutes=2)
    assert chart.follow == {"ms": 120_000.0}
    chart.follow = None
    assert chart.get_state()["_follow"] == {}
    with pytest.raises(ValueError, match="follow='60' has no unit"):
        chart.follow = "60"
    with pytest.raises(ValueError, match="from 2 to"):
        chart.follow = 1
    with pytest.raises(TypeError, match="follow must be"):
        chart.follow = True  # type: ignore[assignment]
    with pytest.raises(ValueError, match="give a number of points"):
        LiveChart(None, x_type="number", follow="1min")


def test_link_puts_charts_in_one_group_and_unlink_takes_one_out(charts: list[LiveChart]) -> None:
    a, b, c = LiveChart(None), LiveChart(None), LiveChart(None)
    charts.extend([a, b, c])
    group = link(a, b, c)
    assert {chart.get_state()["_link"] for chart in (a, b, c)} == {group}
    other = link(a, b)
    assert other != group
    assert [chart._link for chart in (a, b, c)] == [other, other, group]
    b.unlink()
    assert b.get_state()["_link"] == ""
    with pytest.raises(ValueError, match="two charts or more"):
        link(a)
    with pytest.raises(TypeError, match="takes LiveCharts"):
        link(a, "b")  # type: ignore[arg-type]


def test_tz_is_local_by_default_and_takes_utc_or_a_zone_name(charts: list[LiveChart]) -> None:
    chart = LiveChart(None)
    charts.append(chart)
    assert chart.tz == "local"
    chart.tz = "UTC"
    assert chart.get_state()["_tz"] == "UTC"
    chart.tz = "Asia/Tokyo"
    assert chart.tz == "Asia/Tokyo"
    with pytest.raises(ValueError, match="not a time zone"):
        chart.tz = "Mars/Olympus"
    with pytest.raises(TypeError, match="IANA zone name"):
        LiveChart(None, tz=9)  # type: ignore[arg-type]
    assert chart.tz == "Asia/Tokyo"
