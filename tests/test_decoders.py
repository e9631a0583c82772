"""Decoders: frames in (text as str, binary as bytes), records and problems out; then through a
real WebSocket server, with `decoder="ndjson"` and with a function reading a binary format."""

from __future__ import annotations

import struct
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

import numpy as np
import pytest
from websockets.asyncio.server import ServerConnection

from livefeed import LiveChart
from livefeed._chartdata import ChartData
from livefeed._core.decode import (
    BINARY_FRAME,
    DECODE_ERROR,
    DECODERS,
    NOT_AN_OBJECT,
    NOT_JSON,
    TOO_LARGE,
    Decoder,
    JsonDecoder,
    NdjsonDecoder,
    Problem,
    Record,
    decoder_factory,
    register_decoder,
)
from livefeed._core.pipeline import ChartSpec

from .support.servers import FeedServer
from .support.waiting import wait_for


def read_all(decoder: Decoder, *frames: str | bytes) -> tuple[list[Record], list[str]]:
    """Every record the frames give, in order, and the kinds of the problems met."""
    records: list[Record] = []
    kinds: list[str] = []
    for frame in frames:
        more, problems = decoder.decode(frame)
        records.extend(more)
        kinds.extend(problem.kind for problem in problems)
    return records, kinds


def pack(t: float, v: float) -> bytes:
    """A binary format of the kind a function decoder reads: two little-endian float64."""
    return struct.pack("<dd", t, v)


def unpack(frame: str | bytes) -> dict[str, float]:
    t, v = struct.unpack("<dd", frame)  # raises struct.error for a frame of another size
    return {"t": t, "v": v}


# -- json ----------------------------------------------------------------------------------------


def test_json_reads_binary_frames_of_utf8_json_as_bytes() -> None:
    frame = '{"s": "é", "v": 1}\n{"s": "ü", "v": 2}'.encode()
    assert read_all(JsonDecoder(), frame) == ([{"s": "é", "v": 1}, {"s": "ü", "v": 2}], [])


@pytest.mark.parametrize("frame", [b"hello", b"\xff\xfe\x00", pack(1.0, 2.0), bytes(16)])
def test_a_binary_frame_json_cannot_read_is_a_binary_frame_problem(frame: bytes) -> None:
    records, problems = JsonDecoder().decode(frame)
    assert records == []
    assert [p.kind for p in problems] == [BINARY_FRAME]
    assert f"{len(frame)} bytes" in problems[0].message
    assert "decoder=" in problems[0].message  # says what to do about it


def test_a_text_frame_json_cannot_read_is_still_not_json() -> None:
    assert read_all(JsonDecoder(), "hello") == ([], [NOT_JSON])


# -- ndjson --------------------------------------------------------------------------------------


def test_ndjson_joins_a_record_split_across_frames() -> None:
    decoder = NdjsonDecoder()
    assert decoder.decode('{"t": 1, "v": 1}\n{"t": 2, "v"') == ([{"t": 1, "v": 1}], [])
    assert decoder.decode(": 2}\n{") == ([{"t": 2, "v": 2}], [])
    assert decoder.decode('"t": 3,') == ([], [])
    assert decoder.decode(' "v": 3}\n') == ([{"t": 3, "v": 3}], [])


def test_ndjson_joins_a_utf8_character_cut_by_a_binary_frame() -> None:
    whole = '{"s": "é€"}\n'.encode()
    cut = whole.index("€".encode()) + 1  # inside the three bytes of "€"
    assert read_all(NdjsonDecoder(), b'{"a": 0}\n' + whole[:cut], whole[cut:]) == (
        [{"a": 0}, {"s": "é€"}],
        [],
    )


def test_ndjson_takes_a_line_without_its_newline_at_once() -> None:
    # One record per frame and no newline: each is drawn when its frame comes, not a frame later.
    decoder = NdjsonDecoder()
    assert decoder.decode('{"v": 1}') == ([{"v": 1}], [])
    assert decoder.decode('[{"v": 2}, {"v": 3}]') == ([{"v": 2}, {"v": 3}], [])
    assert decoder.decode('{"v": 4}\n') == ([{"v": 4}], [])


def test_ndjson_does_not_let_a_stray_frame_hold_back_the_records_after_it() -> None:
    assert read_all(NdjsonDecoder(), '{"v": 1}', "ping", '{"v": 2}', "42", '{"v": 3}') == (
        [{"v": 1}, {"v": 2}, {"v": 3}],
        [NOT_JSON, NOT_AN_OBJECT],
    )


def test_ndjson_counts_bad_lines_and_skips_blank_ones() -> None:
    frame = '{"v": 1}\r\n\n  \n{"v": \n[{"v": 2}, 3]\n"text"\n'
    assert read_all(NdjsonDecoder(), frame) == (
        [{"v": 1}, {"v": 2}],
        [NOT_JSON, NOT_AN_OBJECT, NOT_AN_OBJECT],
    )


def test_ndjson_lets_text_and_binary_frames_alternate() -> None:
    assert read_all(NdjsonDecoder(), '{"s": "a', 'é"}\n{"v":'.encode(), " 2}\n") == (
        [{"s": "aé"}, {"v": 2}],
        [],
    )


def test_ndjson_skips_a_line_longer_than_max_line_to_its_end() -> None:
    decoder = NdjsonDecoder(max_line=20)
    records, problems = decoder.decode('{"v": 1}\n{"s": "' + "x" * 30)
    assert records == [{"v": 1}]
    assert [p.kind for p in problems] == [TOO_LARGE]
    assert "20 characters" in problems[0].message
    assert decoder.decode("x" * 50) == ([], [])  # still the same line
    assert decoder.decode('xx"}\n{"v": 2}\n') == ([{"v": 2}], [])


def test_each_ndjson_decoder_keeps_its_own_unfinished_line() -> None:
    first, second = DECODERS["ndjson"](), DECODERS["ndjson"]()
    assert first.decode('{"v": ') == ([], [])
    assert read_all(second, '{"w": 2}\n') == ([{"w": 2}], [])  # nothing of the first one's
    assert read_all(first, "1}\n") == ([{"v": 1}], [])


# -- a user's function ---------------------------------------------------------------------------


def test_a_function_reads_binary_frames_as_bytes() -> None:
    decoder = decoder_factory(unpack)()
    assert decoder.decode(pack(1.5, -2.0)) == ([{"t": 1.5, "v": -2.0}], [])
    assert decoder.json_values is False  # its values are checked before column reading


def test_what_a_function_returns_is_checked_before_being_read_column_by_column() -> None:
    # Python values JSON never gives, in a list long enough for the columnar path once the first
    # frame has decided the axis: each is read for what it is. numpy would read a time as a
    # number (a count of its unit); as a y value it is not one.
    def rows(frame: str | bytes) -> list[dict[str, Any]]:
        if frame == "first":
            return [{"t": 0, "v": np.float32(0.5)}]
        return [
            {"t": i, "v": np.datetime64(i, "s") if i == 5 else np.float32(i)} for i in range(1, 11)
        ]

    feed = ChartData(ChartSpec(y=("v",), x="t", window=100))
    decoder = decoder_factory(rows)()
    feed.ingest("first", decoder)
    feed.ingest("rest", decoder)
    columns = feed.columns()
    assert columns.x.tolist() == [0, 1, 2, 3, 4, 6, 7, 8, 9, 10]
    assert columns.y.tolist() == [0.5, 1, 2, 3, 4, 6, 7, 8, 9, 10]
    assert feed.stats()["error_kinds"] == {"not_a_number": 1}


def test_what_a_function_raises_is_counted_and_the_next_frame_is_read() -> None:
    decoder = decoder_factory(unpack)()
    records, problems = decoder.decode(b"\x00\x01\x02")
    assert records == []
    assert problems == [
        Problem(
            DECODE_ERROR, "the decoder raised struct.error: unpack requires a buffer of 16 bytes"
        )
    ]
    assert decoder.decode(pack(3.0, 4.0)) == ([{"t": 3.0, "v": 4.0}], [])


@pytest.mark.parametrize(
    ("returned", "records", "kinds"),
    [
        ({"v": 1}, [{"v": 1}], []),
        ([{"v": 1}, {"v": 2}], [{"v": 1}, {"v": 2}], []),
        (({"v": 1},), [{"v": 1}], []),
        ([], [], []),  # a frame with no record in it
        (OrderedDict(v=1), [{"v": 1}], []),
        (MappingProxyType({"v": 1}), [{"v": 1}], []),
        ([{"v": 1}, 2, "x"], [{"v": 1}], [NOT_AN_OBJECT]),
        (None, [], [NOT_AN_OBJECT]),
        ("text", [], [NOT_AN_OBJECT]),
        (3.5, [], [NOT_AN_OBJECT]),
    ],
)
def test_what_a_function_returns(returned: object, records: list[Record], kinds: list[str]) -> None:
    got, problems = decoder_factory(lambda frame: returned)().decode("frame")
    assert got == records
    assert all(type(record) is dict for record in got)
    assert [p.kind for p in problems] == kinds


def test_a_mapping_that_cannot_be_read_is_a_decode_error() -> None:
    class Broken(Mapping[str, Any]):
        def __getitem__(self, key: str) -> Any:
            raise KeyError("gone")

        def __iter__(self) -> Iterator[str]:
            return iter(["v"])

        def __len__(self) -> int:
            return 1

    _, problems = decoder_factory(lambda frame: Broken())().decode("frame")
    assert [p.kind for p in problems] == [DECODE_ERROR]
    assert "KeyError" in problems[0].message


# -- names ---------------------------------------------------------------------------------------


def test_an_unknown_name_is_refused_with_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"unknown decoder 'msgpack'.*'json', 'ndjson'"):
        decoder_factory("msgpack")
    with pytest.raises(TypeError, match="decoder= takes"):
        decoder_factory(42)  # type: ignore[arg-type]


def test_a_chart_with_an_unknown_decoder_is_refused_in_the_cell() -> None:
    with pytest.raises(ValueError, match=r"known decoders are 'json', 'ndjson'"):
        LiveChart(None, decoder="msgpack")


@pytest.fixture
def registered() -> Iterator[list[str]]:
    """Names registered by the test, removed afterwards."""
    names: list[str] = []
    yield names
    for name in names:
        DECODERS.pop(name, None)


class Counter:
    """A stateful function decoder: numbers the frames of its connection."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, frame: str | bytes) -> dict[str, int]:
        self.count += 1
        return {"n": self.count}


def test_a_registered_maker_gives_each_connection_its_own_state(registered: list[str]) -> None:
    register_decoder("counting", Counter)
    registered.append("counting")
    make = decoder_factory("counting")
    first, second = make(), make()
    assert read_all(first, "a", "b")[0] == [{"n": 1}, {"n": 2}]
    assert read_all(second, "c")[0] == [{"n": 1}]
    with pytest.raises(ValueError, match="exists already"):
        register_decoder("counting", Counter)
    with pytest.raises(ValueError, match="exists already"):
        register_decoder("json", Counter)


def test_a_registered_maker_that_raises_is_counted_per_frame(registered: list[str]) -> None:
    def make() -> Any:
        raise OSError("no schema file")

    register_decoder("schema", make)
    registered.append("schema")
    assert read_all(decoder_factory("schema")(), "a", "b") == ([], [DECODE_ERROR, DECODE_ERROR])


# -- through a real WebSocket server -------------------------------------------------------------


def test_a_chart_reads_ndjson_split_across_frames(charts: list[LiveChart]) -> None:
    line = '{"t": 4, "s": "é€", "v": 40}\n'.encode()
    cut = line.index("€".encode()) + 2

    async def send(connection: ServerConnection) -> None:
        await connection.send('{"t": 1, "v": 10}\n{"t": 2, ')
        await connection.send('"v": 20}\n{"t": 3, "v": 3')
        await connection.send("0}\n")
        await connection.send(line[:cut])  # binary frames, cut inside the bytes of "€"
        await connection.send(line[cut:])
        await connection.send('{"t": 5, "v": 50}')  # one record, no newline
        await connection.wait_closed()

    with FeedServer(send) as server:
        chart = LiveChart(server.url(), x="t", y="v", decoder="ndjson")
        charts.append(chart)
        wait_for(lambda: chart.stats["points"] == 5, what="five points")
        stats = chart.stats
    assert chart.data["value"].tolist() == [10, 20, 30, 40, 50]
    assert (stats["messages"], stats["errors"]) == (6, 0)


def test_a_chart_reads_a_binary_format_with_a_function(charts: list[LiveChart]) -> None:
    async def send(connection: ServerConnection) -> None:
        for i in range(3):
            await connection.send(pack(float(i), i * 1.5))
        await connection.send(b"\x00\x01")  # not two floats: counted, and the feed goes on
        await connection.send(pack(3.0, 4.5))
        await connection.wait_closed()

    with FeedServer(send) as server:
        chart = LiveChart(server.url(), x="t", y="v", x_type="number", decoder=unpack)
        charts.append(chart)
        wait_for(lambda: chart.stats["messages"] == 5, what="five messages")
        stats = chart.stats
    assert chart.data["value"].tolist() == [0.0, 1.5, 3.0, 4.5]
    assert stats["error_kinds"] == {DECODE_ERROR: 1}
    assert "unpack requires a buffer of 16 bytes" in stats["last_error"]


def test_each_connection_starts_with_a_fresh_decoder(charts: list[LiveChart]) -> None:
    async def send(connection: ServerConnection) -> None:
        if server.connections == 1:
            # The connection ends in the middle of a line: that line is lost with it, and must not
            # spoil the first line of the next connection.
            await connection.send('{"t": 1, "v": 1}\n{"t": 2, "v"')
            await connection.close()
        else:
            await connection.send('{"t": 3, "v": 3}\n')
            await connection.wait_closed()

    with FeedServer(send) as server:
        chart = LiveChart(
            server.url(),
            x="t",
            y="v",
            decoder="ndjson",
            reconnect="always",
            backoff=0.01,
            max_backoff=0.01,
        )
        charts.append(chart)
        wait_for(lambda: chart.stats["messages"] == 2, what="a message from each connection")
        stats = chart.stats
    assert chart.data["x"].tolist() == [1, 3]
    assert stats["errors"] == 0, stats["last_error"]
