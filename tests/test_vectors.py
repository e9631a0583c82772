"""The shared message rules, kernel side: each case of tests/vectors/messages.json fed through
the pipeline as a connection feeds it (its decoder, then the records), compared with what the case
says the chart holds. The page's reading of the same file is js/rules/vectors.test.js."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from livefeed._core.decode import decoder_factory
from livefeed._core.pipeline import ChartSpec, Pipeline

VECTORS = json.loads((Path(__file__).parent / "vectors" / "messages.json").read_text("utf-8"))


def _frame(frame: str | dict[str, str]) -> str | bytes:
    return bytes.fromhex(frame["hex"]) if isinstance(frame, dict) else frame


def _held(pipeline: Pipeline) -> list[list[Any]]:
    """Each series' name and its points by x, [x, y] with None for a gap."""
    x, series, y = pipeline.columns()
    return [
        [
            name,
            [
                [float(a), None if math.isnan(b) else float(b)]
                for a, b, s in zip(x.tolist(), y.tolist(), series.tolist(), strict=True)
                if s == k
            ],
        ]
        for k, name in enumerate(pipeline.names)
    ]


@pytest.mark.parametrize("case", VECTORS["cases"], ids=[c["name"] for c in VECTORS["cases"]])
def test_the_kernel_reads_each_case_as_the_vectors_say(case: dict[str, Any]) -> None:
    spec = case["spec"]
    pipeline = Pipeline(
        ChartSpec(
            y=tuple(spec["y"]),
            x=spec.get("x"),
            group_by=spec.get("group_by"),
            x_type=spec.get("x_type", "auto"),
        )
    )
    decoder = decoder_factory(case.get("decode", "json"))()
    for i, frame in enumerate(case["frames"]):
        records, problems = decoder.decode(_frame(frame))
        pipeline.feed_decoded(records, problems, VECTORS["now"] + i, decoder.json_values)
    assert pipeline.x_axis.kind == case["x_kind"]
    assert _held(pipeline) == case["series"]
    assert dict(pipeline.error_kinds) == case["errors"]


def test_the_vectors_cover_every_rule_they_are_named_for() -> None:
    # Each kind of problem a JSON feed can meet, both decoders, and both kinds of axis.
    kinds = {kind for case in VECTORS["cases"] for kind in case["errors"]}
    assert kinds == {
        "not_json",
        "not_an_object",
        "binary_frame",
        "not_a_number",
        "null_value",
        "non_finite",
        "bad_time",
        "missing_field",
    }
    assert {case.get("decode", "json") for case in VECTORS["cases"]} == {"json", "ndjson"}
    assert {case["x_kind"] for case in VECTORS["cases"]} == {"time", "number"}
