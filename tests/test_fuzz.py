"""Generated input of every shape: the data path never raises and its counters stay consistent.

Each example feeds a pipeline (several specs: x field or arrival time, group_by, dotted paths,
several y, window 1..50, x_type auto/time/number, a count window or a time window of spans from
half a millisecond to decades) with generated JSON (nested objects and arrays,
huge integers, NaN and infinities, numeric strings, ISO times, booleans, null) as text, bytes,
NDJSON and arrays read by the "json" or the "ndjson" decoder, as a connection does (decode, then
hand records and problems to the pipeline), or with Python rows and numpy columns as `push()`
gives them, interleaved with batches and resets that a model of the browser replays. NDJSON cut
at any points reads as the whole does. The examples are derandomised so that a run is
repeatable; 1,800 are run in all.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from livefeed._core.decode import DECODERS, NdjsonDecoder
from livefeed._core.pipeline import ERROR_KINDS, INTERNAL, ChartSpec, Pipeline

from .test_pipeline import BrowserModel

FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
KEYS = ["t", "v", "w", "g", "data", "p", "q", "0"]

big_ints = st.integers(10**17, 10**420) | st.integers(-(10**420), -(10**17))
epoch_numbers = st.floats(1e8, 2e18) | st.integers(10**8, 2 * 10**18)
fractions = st.text("0123456789", min_size=1, max_size=9).map(lambda digits: "." + digits)
iso_times = st.builds(
    lambda moment, fraction, zone: moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction + zone,
    st.datetimes(datetime(1900, 1, 1), datetime(2200, 1, 1)),
    st.just("") | fractions,
    st.sampled_from(["", "Z", "+00:00", "+0100", "-05:30", " Z"]),
)
numeric_text = (
    st.floats(allow_nan=True, allow_infinity=True).map(repr)
    | st.integers(-(10**30), 10**30).map(str)
    | st.sampled_from(["NaN", "inf", "-Infinity", " 7 ", "1_000", "1e400", "0x10", "", "²"])
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | big_ints
    | st.floats(allow_nan=True, allow_infinity=True)
    | epoch_numbers
    | st.text(max_size=8)
    | numeric_text
    | iso_times
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS), children, max_size=5)
    ),
    max_leaves=6,
)
records = st.dictionaries(st.sampled_from(KEYS), json_values, max_size=6)


def _dumps(value: Any) -> str:
    return json.dumps(value, allow_nan=True)


messages = st.one_of(
    records.map(_dumps),
    st.lists(records | json_values, max_size=6).map(_dumps),
    st.lists(records, min_size=2, max_size=6).map(lambda rs: "\n".join(map(_dumps, rs))),
    st.lists(records, min_size=8, max_size=10).map(_dumps),  # long enough for the columnar path
    json_values.map(_dumps),
    st.text(max_size=30),
    st.binary(max_size=30),
)


def _frame(text: str | bytes, binary: bool) -> str | bytes:
    """A text frame, or the same as a binary frame (UTF-8)."""
    return text.encode() if binary and isinstance(text, str) else text


frames = st.builds(_frame, messages, st.booleans())


def _spec(
    y: tuple[str, ...],
    x: str | None,
    group_by: str | None,
    window: int,
    x_type: Any,
    span_ms: float | None,
) -> ChartSpec:
    if span_ms is not None and x_type == "number":
        x_type = "time"  # a time window needs a time axis
    return ChartSpec(y=y, x=x, group_by=group_by, window=window, x_type=x_type, span_ms=span_ms)


specs = st.builds(
    _spec,
    y=st.lists(
        st.sampled_from(["v", "w", "data.p", "q.0"]), min_size=1, max_size=3, unique=True
    ).map(tuple),
    x=st.sampled_from([None, "t", "data.t"]),
    group_by=st.sampled_from([None, "g", "data.g"]),
    window=st.integers(1, 50),
    x_type=st.sampled_from(["auto", "time", "number"]),
    # The arrival times of `run` step by 1 ms; generated times span centuries.
    span_ms=st.sampled_from([None, None, None, 0.5, 2.0, 1000.0, 3.6e6, 1e12]),
)


def run(spec: ChartSpec, actions: list[tuple[str, Any]], decoder_name: str = "json") -> None:
    """Feed `actions` to a fresh pipeline, checking everything checkable after each; frames are
    read by a fresh decoder of `decoder_name`."""
    p = Pipeline(spec)
    decoder = DECODERS[decoder_name]()
    view = BrowserModel(spec.window, spec.span_ms)
    fed = 0
    handed = 0
    reset = False
    for action, payload in actions:
        if action == "feed":
            records, problems = decoder.decode(payload)  # a decoder never raises
            assert {problem.kind for problem in problems} <= ERROR_KINDS - {INTERNAL}
            p.feed_decoded(records, problems, float(fed), decoder.json_values)
        elif action == "records":
            p.feed_records(payload, float(fed))
        elif action == "columns":
            p.feed_columns(payload, float(fed))
        elif action == "batch":
            batch = p.take_batch()
            if batch is not None:
                handed += batch.points
                view.apply(batch)
                view.check(p)
            continue
        else:
            reset = True
            view.apply(p.take_reset())
            view.check(p)
            continue
        fed += 1
        assert p.messages == fed
        assert set(p.error_kinds) <= ERROR_KINDS - {INTERNAL}, p.last_error
        for ring in p.rings:
            x = ring.columns()[0]
            assert len(x) == len(ring) <= spec.window
            assert np.all(np.diff(x) >= 0)
            assert np.isfinite(x).all()
            if spec.span_ms is not None and len(x):
                assert x[0] >= x[-1] - spec.span_ms
        if spec.span_ms is None:
            assert p.cut == 0
        else:
            assert "too_old" not in p.error_kinds
    batch = p.take_batch()
    if batch is not None:
        handed += batch.points
        view.apply(batch)
    view.check(p)
    assert len(p.names) == len(set(p.names)) == len(p.rings)
    if not reset:
        # Every point placed was handed out once, or pushed out before it could be.
        assert p.points == handed + p.coalesced


takes = st.sampled_from([("batch", None), ("batch", None), ("reset", None)])


@settings(FUZZ, max_examples=700)
@given(
    specs,
    st.lists(frames.map(lambda raw: ("feed", raw)) | takes, max_size=10),
    st.sampled_from(["json", "ndjson"]),
)
def test_messages_never_break_the_pipeline(
    spec: ChartSpec, actions: list[Any], decoder_name: str
) -> None:
    run(spec, actions, decoder_name)


@settings(FUZZ, max_examples=300)
@given(
    st.lists(records, max_size=8),
    st.lists(st.integers(0, 10**6), max_size=10),
    st.booleans(),
)
def test_ndjson_cut_anywhere_reads_as_the_whole(
    rows: list[dict[str, Any]], cuts: list[int], binary: bool
) -> None:
    text = "".join(_dumps(row) + "\n" for row in rows)
    stream: str | bytes = text.encode() if binary else text  # cuts may split a UTF-8 character
    points = sorted({cut % (len(stream) + 1) for cut in cuts})
    decoder = NdjsonDecoder()
    got: list[dict[str, Any]] = []
    for start, end in zip([0, *points], [*points, len(stream)], strict=True):
        records, problems = decoder.decode(stream[start:end])
        assert problems == []
        got.extend(records)
    whole, problems = NdjsonDecoder().decode(stream)
    assert problems == []
    assert len(whole) == len(rows)
    assert _dumps(got) == _dumps(whole)


python_values = (
    scalars
    | st.builds(np.float64, st.floats(allow_nan=True, allow_infinity=True))
    | st.builds(np.float32, st.floats(width=32, allow_nan=True, allow_infinity=True))
    | st.builds(np.int64, st.integers(-(2**63), 2**63 - 1))
    | st.builds(np.uint8, st.integers(0, 255))
    | st.builds(np.bool_, st.booleans())
    | st.builds(np.array, st.floats(allow_nan=True))
    | st.builds(Decimal, st.decimals(allow_nan=True, allow_infinity=True))
    | st.datetimes(
        datetime(1800, 1, 1), datetime(2300, 1, 1), timezones=st.none() | st.just(timezone.utc)
    )
    | st.dates()
    | st.builds(
        lambda n, unit: np.datetime64(n, unit),
        st.integers(-(10**12), 10**12),
        st.sampled_from(["s", "ms", "D", "us"]),
    )
    | st.just(np.datetime64("NaT", "ms"))
    | st.builds(pd.Timestamp, st.datetimes(datetime(1800, 1, 1), datetime(2200, 1, 1)))
    | st.just(pd.NaT)
    | st.just(pd.NA)
    | st.just(timedelta(seconds=3))
)
python_rows = st.lists(
    st.dictionaries(st.sampled_from(KEYS), python_values | json_values, max_size=7)
    | st.sampled_from([3, "row", None]),
    max_size=20,
)


@settings(FUZZ, max_examples=450)
@given(specs, st.lists(python_rows.map(lambda rows: ("records", rows)) | takes, max_size=8))
def test_python_rows_never_break_the_pipeline(spec: ChartSpec, actions: list[Any]) -> None:
    run(spec, actions)


COLUMN_DTYPES = ["int8", "uint16", "int64", "uint64", "float16", "float32", "float64", "bool"]


@st.composite
def column_batches(draw: st.DrawFn, n: int) -> dict[str, Any]:
    """Columns as `prepare_rows` gives them: numbers of many dtypes (NaN and infinities among
    floats), datetime64 of several units with NaT, and object columns of mixed values."""
    columns: dict[str, Any] = {}
    for name in draw(st.lists(st.sampled_from(["t", "v", "w", "g", "q"]), unique=True, max_size=5)):
        kind = draw(st.sampled_from(["number", "number", "time", "objects", "small"]))
        if kind == "number":
            dtype = draw(st.sampled_from(COLUMN_DTYPES))
            raw = draw(
                st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=n, max_size=n)
            )
            values = np.array(raw, dtype=np.float64)
            if np.dtype(dtype).kind != "f":
                info = np.iinfo(dtype) if np.dtype(dtype).kind != "b" else None
                values = np.nan_to_num(values, nan=0.0, posinf=0.0, neginf=0.0)
                if info is not None:
                    values = np.clip(values, info.min, min(info.max, 2**53))
            with np.errstate(over="ignore"):  # beyond float16's range: infinity, as data
                columns[name] = values.astype(dtype)
        elif kind == "small":
            columns[name] = np.array(draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)))
        elif kind == "time":
            unit = draw(st.sampled_from(["s", "ms", "us", "ns", "D"]))
            counts = draw(st.lists(st.integers(-(10**9), 10**9), min_size=n, max_size=n))
            times = np.array(counts, dtype=f"datetime64[{unit}]")
            if n and draw(st.booleans()):
                times[0] = np.datetime64("NaT", "ms")
            columns[name] = times
        else:
            objects = np.empty(n, dtype=object)
            for i, value in enumerate(draw(st.lists(python_values, min_size=n, max_size=n))):
                objects[i] = value
            columns[name] = objects
    return columns


batches = st.integers(0, 25).flatmap(column_batches)


@settings(FUZZ, max_examples=350)
@given(specs, st.lists(batches.map(lambda columns: ("columns", columns)) | takes, max_size=6))
def test_columns_never_break_the_pipeline(spec: ChartSpec, actions: list[Any]) -> None:
    run(spec, actions)
    # The same rows given as records give the same points and the same counts.
    by_columns, by_records = Pipeline(spec), Pipeline(spec)
    for action, payload in actions:
        if action != "columns":
            continue
        by_columns.feed_columns(payload, 0.0)
        names = list(payload)
        values = [
            column.tolist() if column.dtype.kind != "M" else list(column)
            for column in payload.values()
        ]
        n = len(next(iter(payload.values()), []))
        rows = [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]
        by_records.feed_records(rows if names else [{} for _ in range(n)], 0.0)
    assert by_columns.names == by_records.names
    for left, right in zip(by_columns.columns(), by_records.columns(), strict=True):
        assert np.array_equal(left, right, equal_nan=True)
    assert by_columns.error_kinds == by_records.error_kinds
    assert by_columns.points == by_records.points
    assert by_columns.cut == by_records.cut
