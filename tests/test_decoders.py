"""Decoders: frames in (text as str, binary as bytes), records and problems out; then through a
real WebSocket server, with `decode="ndjson"`, "msgpack", "gzip+json" and with a function reading a
binary format."""

from __future__ import annotations

import gzip
import struct
import tracemalloc
import zlib
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from datetime import datetime, timezone
from types import MappingProxyType
from typing import Any

import msgpack  # type: ignore[import-untyped]
import numpy as np
import pytest
from websockets.asyncio.server import ServerConnection

from livefeed import LiveChart
from livefeed._chartdata import ChartData
from livefeed._core.decode import (
    BINARY_FRAME,
    DECODE_ERROR,
    DECODERS,
    MAX_INFLATED,
    NOT_AN_OBJECT,
    NOT_COMPRESSED,
    NOT_JSON,
    NOT_MSGPACK,
    TOO_LARGE,
    Decoder,
    InflatingJsonDecoder,
    JsonDecoder,
    MsgpackDecoder,
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
    assert "decode=" in problems[0].message  # says what to do about it


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


# -- msgpack -------------------------------------------------------------------------------------


def test_msgpack_reads_a_map_as_a_record_and_an_array_of_maps_as_records() -> None:
    one = msgpack.packb({"t": 1, "v": 2.5, "s": "é"})
    several = msgpack.packb([{"t": 2, "v": -1}, {"t": 3, "v": None}])
    decoder = DECODERS["msgpack"]()
    assert read_all(decoder, one, several) == (
        [{"t": 1, "v": 2.5, "s": "é"}, {"t": 2, "v": -1}, {"t": 3, "v": None}],
        [],
    )
    assert decoder.json_values is False  # its values are checked before column reading


def test_msgpack_gives_bytes_ext_types_and_timestamps_as_utc_datetimes() -> None:
    frame = msgpack.packb(
        {
            "t": msgpack.Timestamp(1_700_000_000, 250_000_000),
            "raw": b"\x00\xff",
            "ext": msgpack.ExtType(5, b"abc"),
        }
    )
    [record], problems = MsgpackDecoder().decode(frame)
    assert problems == []
    assert record["t"] == datetime(2023, 11, 14, 22, 13, 20, 250_000, tzinfo=timezone.utc)
    assert record["raw"] == b"\x00\xff"
    assert record["ext"] == msgpack.ExtType(5, b"abc")


def test_msgpack_turns_keys_that_are_not_text_into_str_at_any_depth() -> None:
    frame = msgpack.packb(
        {1: 10, "book": {0: {2.5: True}}, "levels": [{3: 4}], None: "nil", b"bin": 1},
        strict_types=False,
    )
    assert MsgpackDecoder().decode(frame) == (
        [{"1": 10, "book": {"0": {"2.5": True}}, "levels": [{"3": 4}], "None": "nil", b"bin": 1}],
        [],
    )


def test_msgpack_timestamps_chart_as_times() -> None:
    start = 1_700_000_000
    frames = [
        msgpack.packb({"t": msgpack.Timestamp(start + i, 0), "v": float(i)}) for i in range(3)
    ]
    feed = ChartData(ChartSpec(y=("v",), x="t", window=100))
    decoder = DECODERS["msgpack"]()
    for frame in frames:
        feed.ingest(frame, decoder)
    columns = feed.columns()
    assert columns.is_time
    assert columns.x.tolist() == [(start + i) * 1000.0 for i in range(3)]
    assert columns.y.tolist() == [0.0, 1.0, 2.0]


def test_msgpack_counts_values_that_are_not_maps() -> None:
    assert read_all(
        MsgpackDecoder(), msgpack.packb([{"v": 1}, 2, "x"]), msgpack.packb(5), msgpack.packb("s")
    ) == ([{"v": 1}], [NOT_AN_OBJECT, NOT_AN_OBJECT, NOT_AN_OBJECT])


@pytest.mark.parametrize(
    "frame",
    [
        b"",
        b"\xc1",  # a byte MessagePack never uses
        msgpack.packb({"v": 1})[:-1],  # cut short
        msgpack.packb({"v": 1}) + b"\x00",  # more than one value
        b'{"v": 1}',  # JSON is not MessagePack
        msgpack.packb({(1, 2): 3}),  # an array as a key: no dict can hold it
        msgpack.packb({"s": b"\xff"}, use_bin_type=False),  # a string that is not UTF-8
    ],
)
def test_bytes_that_are_not_one_msgpack_value_are_counted(frame: bytes) -> None:
    decoder = MsgpackDecoder()
    records, problems = decoder.decode(frame)
    assert records == []
    assert [p.kind for p in problems] == [NOT_MSGPACK]
    assert f"{len(frame)} bytes is not MessagePack" in problems[0].message
    assert decoder.decode(msgpack.packb({"v": 2})) == ([{"v": 2}], [])  # the next frame is read


def test_a_text_frame_is_not_msgpack() -> None:
    records, problems = MsgpackDecoder().decode('{"v": 1}')
    assert records == []
    assert [p.kind for p in problems] == [NOT_MSGPACK]
    assert "text frame" in problems[0].message


# -- gzip+json, deflate+json ---------------------------------------------------------------------


def raw_deflate(data: bytes) -> bytes:
    """`data` as raw deflate, with no zlib header or checksum (what several exchanges send)."""
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


def test_gzip_json_reads_what_the_json_decoder_reads() -> None:
    decoder = DECODERS["gzip+json"]()
    frames = [
        gzip.compress(b'{"t": 1, "s": "\\u00e9"}'),
        gzip.compress('[{"t": 2}, {"t": 3, "s": "€"}]'.encode()),
        gzip.compress(b'{"t": 4}\n{"t": 5}\n'),  # newline-delimited
        gzip.compress(b'{"t": 6}') + gzip.compress(b'\n{"t": 7}'),  # a gzip of two members
    ]
    assert read_all(decoder, *frames) == (
        [
            {"t": 1, "s": "é"},
            {"t": 2},
            {"t": 3, "s": "€"},
            {"t": 4},
            {"t": 5},
            {"t": 6},
            {"t": 7},
        ],
        [],
    )
    assert decoder.json_values is True


def test_gzip_json_reads_text_frames_as_json_as_they_are() -> None:
    decoder = DECODERS["gzip+json"]()
    assert read_all(decoder, '{"t": 1}', gzip.compress(b'{"t": 2}'), "ping") == (
        [{"t": 1}, {"t": 2}],
        [NOT_JSON],
    )


@pytest.mark.parametrize(
    "compress",
    [zlib.compress, lambda data: zlib.compress(data, 9), raw_deflate],
    ids=["zlib", "zlib-level-9", "raw"],
)
def test_deflate_json_reads_zlib_and_raw_deflate(compress: Any) -> None:
    payload = b'[{"t": 1, "v": 10}, {"t": 2, "v": 20}]'
    assert InflatingJsonDecoder("deflate").decode(compress(payload)) == (
        [{"t": 1, "v": 10}, {"t": 2, "v": 20}],
        [],
    )


def test_deflate_json_reads_raw_and_zlib_frames_mixed_on_one_connection() -> None:
    decoder = DECODERS["deflate+json"]()
    frames = [(raw_deflate if i % 2 else zlib.compress)(b'{"n": %d}' % i) for i in range(6)]
    assert read_all(decoder, *frames, '{"n": 6}') == ([{"n": i} for i in range(7)], [])


def test_deflate_json_reads_a_raw_stream_that_ends_at_a_flush() -> None:
    # Some servers end each message with a sync flush instead of a final block.
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    frame = compressor.compress(b'{"v": 1}') + compressor.flush(zlib.Z_SYNC_FLUSH)
    assert InflatingJsonDecoder("deflate").decode(frame) == ([{"v": 1}], [])


@pytest.mark.parametrize("method", ["gzip", "deflate"])
@pytest.mark.parametrize(
    "frame",
    [b"not compressed at all", b"", gzip.compress(b'{"v": 1}')[:10], b"\x1f\x8b\x08garbage"],
    ids=["text-bytes", "empty", "header-only", "bad-gzip"],
)
def test_bytes_that_do_not_inflate_are_not_compressed(method: str, frame: bytes) -> None:
    decoder = InflatingJsonDecoder(method)
    records, problems = decoder.decode(frame)
    assert records == []
    assert [p.kind for p in problems] == [NOT_COMPRESSED]
    assert f"{len(frame)} bytes is not {method}" in problems[0].message
    good = gzip.compress(b'{"v": 2}') if method == "gzip" else raw_deflate(b'{"v": 2}')
    assert decoder.decode(good) == ([{"v": 2}], [])  # the next frame is read


def test_an_inflated_frame_that_is_not_json_is_counted_by_the_json_reader() -> None:
    assert read_all(DECODERS["gzip+json"](), gzip.compress(b"hello")) == ([], [BINARY_FRAME])


def test_a_frame_inflating_beyond_max_inflated_is_too_large() -> None:
    assert MAX_INFLATED == 64 * 2**20
    at_bound = b"{}" + b" " * (MAX_INFLATED - 2)  # JSON padded with blanks: it compresses well
    decoder = DECODERS["gzip+json"]()
    assert decoder.decode(gzip.compress(at_bound)) == ([{}], [])
    bomb = gzip.compress(at_bound + b" ")
    assert len(bomb) < MAX_INFLATED // 500
    records, problems = decoder.decode(bomb)
    assert records == []
    assert [p.kind for p in problems] == [TOO_LARGE]
    assert f"more than {MAX_INFLATED:,} bytes" in problems[0].message


@pytest.mark.parametrize("method", ["gzip", "deflate"])
def test_max_inflated_bounds_each_decoder(method: str) -> None:
    decoder = InflatingJsonDecoder(method, max_inflated=100)
    compress = gzip.compress if method == "gzip" else raw_deflate
    fits = b'{"v": 1}' + b" " * 92
    assert decoder.decode(compress(fits)) == ([{"v": 1}], [])
    assert [p.kind for p in decoder.decode(compress(fits + b" "))[1]] == [TOO_LARGE]


def test_a_bomb_is_stopped_without_inflating_it() -> None:
    # 1 GiB of zeros in 1,024 gzip members of one MiB each: about a megabyte of frame. Inflating
    # it whole would take a gigabyte of memory; the bound must stop it long before.
    member = gzip.compress(bytes(2**20))
    bomb = member * 1024
    decoder = DECODERS["gzip+json"]()
    tracemalloc.start()
    try:
        records, problems = decoder.decode(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (records, [p.kind for p in problems]) == ([], [TOO_LARGE])
    assert peak < 2 * MAX_INFLATED


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


def test_a_dict_of_columns_gives_one_record_per_row() -> None:
    returned = {"t": [1, 2, 3], "v": np.array([0.5, 1.5, 2.5]), "s": ("a", "b", "c")}
    records, problems = decoder_factory(lambda frame: returned)().decode("frame")
    assert problems == []
    assert records == [
        {"t": 1, "v": 0.5, "s": "a"},
        {"t": 2, "v": 1.5, "s": "b"},
        {"t": 3, "v": 2.5, "s": "c"},
    ]
    assert type(records[0]["v"]) is np.float64  # kept as it is: coercion reads numpy scalars


@pytest.mark.parametrize(
    ("returned", "records"),
    [
        ({"t": [], "v": np.array([])}, []),  # columns of no rows: no record
        ({}, [{}]),  # no values: one empty record, as before
        ({"t": 1, "bids": [1, 2], "asks": [3, 4]}, [{"t": 1, "bids": [1, 2], "asks": [3, 4]}]),
        ({"bids": [1, 2], "asks": [3, 4]}, [{"bids": 1, "asks": 3}, {"bids": 2, "asks": 4}]),
        ([{"bids": [1, 2], "asks": [3, 4]}], [{"bids": [1, 2], "asks": [3, 4]}]),  # [record]
    ],
    ids=["empty-columns", "empty-dict", "a-scalar", "all-lists", "in-a-list"],
)
def test_a_dict_is_columns_only_when_every_value_is_a_column(
    returned: object, records: list[Record]
) -> None:
    assert decoder_factory(lambda frame: returned)().decode("frame") == (records, [])


def test_a_dict_holding_a_2d_array_is_one_record() -> None:
    returned = {"m": np.eye(2), "v": [1, 2]}
    records, problems = decoder_factory(lambda frame: returned)().decode("frame")
    assert problems == []
    assert len(records) == 1
    assert records[0] is returned


def test_columns_of_unequal_lengths_are_counted_with_their_lengths() -> None:
    returned = {"t": [1, 2, 3], "v": np.array([1.0, 2.0])}
    records, problems = decoder_factory(lambda frame: returned)().decode("frame")
    assert records == []
    assert [p.kind for p in problems] == [NOT_AN_OBJECT]
    assert "t: 3" in problems[0].message
    assert "v: 2" in problems[0].message


def test_a_column_of_times_keeps_its_values_as_times() -> None:
    times = np.array(["2024-01-01T00:00:00", "2024-01-01T00:00:01"], dtype="datetime64[s]")
    feed = ChartData(ChartSpec(y=("v",), x="t", window=100))
    feed.ingest("frame", decoder_factory(lambda frame: {"t": times, "v": [1.0, 2.0]})())
    columns = feed.columns()
    assert columns.is_time
    assert columns.x.tolist() == [1_704_067_200_000.0, 1_704_067_201_000.0]


def test_a_structured_array_gives_one_record_per_element_by_field_name() -> None:
    array = np.array(
        [(1.0, 10, b"a"), (2.0, 20, b"b"), (3.0, 30, b"c")],
        dtype=[("t", "f8"), ("v", "i4"), ("s", "S1")],
    )
    records, problems = decoder_factory(lambda frame: array)().decode(b"frame")
    assert problems == []
    assert records == [
        {"t": 1.0, "v": 10, "s": b"a"},
        {"t": 2.0, "v": 20, "s": b"b"},
        {"t": 3.0, "v": 30, "s": b"c"},
    ]
    assert type(records[0]["v"]) is np.int32


def test_a_structured_array_of_a_binary_format_charts() -> None:
    # The way many binary feeds are read: numpy.frombuffer with the layout of one record.
    layout = np.dtype([("t", "<f8"), ("v", "<f4")])
    frame = np.array([(1.0, 0.5), (2.0, 1.5)], dtype=layout).tobytes()
    feed = ChartData(ChartSpec(y=("v",), x="t", x_type="number", window=100))
    feed.ingest(frame, decoder_factory(lambda raw: np.frombuffer(raw, dtype=layout))())
    columns = feed.columns()
    assert columns.x.tolist() == [1.0, 2.0]
    assert columns.y.tolist() == [0.5, 1.5]


def test_a_2d_array_gives_records_keyed_by_column_number() -> None:
    array = np.array([[1.0, 10.0, -1.0], [2.0, 20.0, -2.0]])
    records, problems = decoder_factory(lambda frame: array)().decode("frame")
    assert problems == []
    assert records == [{"0": 1.0, "1": 10.0, "2": -1.0}, {"0": 2.0, "1": 20.0, "2": -2.0}]
    feed = ChartData(ChartSpec(y=("1",), x="0", x_type="number", window=100))
    feed.ingest("frame", decoder_factory(lambda frame: array)())
    assert feed.columns().y.tolist() == [10.0, 20.0]


@pytest.mark.parametrize(
    "array", [np.arange(3.0), np.zeros((2, 2, 2)), np.float64(1.0)], ids=["1-d", "3-d", "scalar"]
)
def test_an_array_of_another_shape_is_counted(array: Any) -> None:
    records, problems = decoder_factory(lambda frame: array)().decode("frame")
    assert records == []
    assert [p.kind for p in problems] == [NOT_AN_OBJECT]
    if isinstance(array, np.ndarray):
        assert f"{array.ndim}-D array" in problems[0].message
        assert "structured" in problems[0].message and "2-D" in problems[0].message


# -- names ---------------------------------------------------------------------------------------


KNOWN = r"known decoders are 'deflate\+json', 'gzip\+json', 'json', 'msgpack', 'ndjson'"


def test_an_unknown_name_is_refused_with_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"unknown decoder 'protobuf'; " + KNOWN):
        decoder_factory("protobuf")
    with pytest.raises(TypeError, match="decode= takes"):
        decoder_factory(42)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["msgpack", "gzip+json", "deflate+json"])
def test_each_built_in_name_makes_a_fresh_decoder(name: str) -> None:
    make = decoder_factory(name)
    assert make() is not make()


def test_a_chart_with_an_unknown_decoder_is_refused_in_the_cell() -> None:
    with pytest.raises(ValueError, match=KNOWN):
        LiveChart("ws://127.0.0.1:9/", decode="protobuf")


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
        chart = LiveChart(server.url(), x="t", y="v", decode="ndjson")
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
        chart = LiveChart(server.url(), x="t", y="v", x_type="number", decode=unpack)
        charts.append(chart)
        wait_for(lambda: chart.stats["messages"] == 5, what="five messages")
        stats = chart.stats
    assert chart.data["value"].tolist() == [0.0, 1.5, 3.0, 4.5]
    assert stats["error_kinds"] == {DECODE_ERROR: 1}
    assert "unpack requires a buffer of 16 bytes" in stats["last_error"]


def test_a_chart_reads_msgpack_frames(charts: list[LiveChart]) -> None:
    async def send(connection: ServerConnection) -> None:
        await connection.send(msgpack.packb({"t": 1, "v": 10.0}))
        await connection.send(msgpack.packb([{"t": 2, "v": 20.0}, {"t": 3, "v": 30.0}]))
        await connection.send('{"t": 4, "v": 40.0}')  # a text frame: counted
        await connection.send(msgpack.packb({1: 5, 2: 50.0}))  # keys that are not text
        await connection.wait_closed()

    with FeedServer(send) as server:
        left = LiveChart(server.url(), x="t", y="v", x_type="number", decode="msgpack")
        charts.append(left)
        right = LiveChart(server.url(), x="1", y="2", x_type="number", decode="msgpack")
        charts.append(right)
        wait_for(lambda: left.stats["messages"] == 4, what="four messages")
        wait_for(lambda: right.stats["points"] == 1, what="the point of integer keys")
        stats = left.stats
    assert left.data["value"].tolist() == [10.0, 20.0, 30.0]
    assert right.data["value"].tolist() == [50.0]
    assert stats["error_kinds"] == {NOT_MSGPACK: 1, "missing_field": 1}, stats["last_error"]


def test_a_chart_reads_compressed_json_and_uncompressed_text(charts: list[LiveChart]) -> None:
    async def send(connection: ServerConnection) -> None:
        await connection.send(gzip.compress(b'{"t": 1, "v": 10}'))
        await connection.send('{"t": 2, "v": 20}')  # uncompressed, as a text frame
        await connection.send(b"\x00garbage")  # binary, not gzip: counted
        await connection.send(gzip.compress(b'[{"t": 3, "v": 30}, {"t": 4, "v": 40}]'))
        await connection.wait_closed()

    with FeedServer(send) as server:
        chart = LiveChart(server.url(), x="t", y="v", x_type="number", decode="gzip+json")
        charts.append(chart)
        wait_for(lambda: chart.stats["messages"] == 4, what="four messages")
        stats = chart.stats
    assert chart.data["value"].tolist() == [10, 20, 30, 40]
    assert stats["error_kinds"] == {NOT_COMPRESSED: 1}, stats["last_error"]


def raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=-15)  # raw deflate, without the zlib header
    return compressor.compress(data) + compressor.flush()


def test_a_chart_reads_raw_and_zlib_deflated_json(charts: list[LiveChart]) -> None:
    async def send(connection: ServerConnection) -> None:
        await connection.send(raw_deflate(b'{"t": 1, "v": 10}'))
        await connection.send(zlib.compress(b'{"t": 2, "v": 20}'))  # zlib-wrapped
        await connection.send(b"\x00garbage")  # binary, not deflate: counted
        await connection.send(raw_deflate(b'{"t": 4, "v": 40}\n{"t": 5, "v": 50}'))
        await connection.wait_closed()

    with FeedServer(send) as server:
        chart = LiveChart(server.url(), x="t", y="v", x_type="number", decode="deflate+json")
        charts.append(chart)
        wait_for(lambda: chart.stats["messages"] == 4, what="four messages")
        stats = chart.stats
    assert chart.data["value"].tolist() == [10, 20, 40, 50]
    assert stats["error_kinds"] == {NOT_COMPRESSED: 1}, stats["last_error"]


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
            decode="ndjson",
            reconnect="always",
            backoff=0.01,
            max_backoff=0.01,
        )
        charts.append(chart)
        wait_for(lambda: chart.stats["messages"] == 2, what="a message from each connection")
        stats = chart.stats
    assert chart.data["x"].tolist() == [1, 3]
    assert stats["errors"] == 0, stats["last_error"]
