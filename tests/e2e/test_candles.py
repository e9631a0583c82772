"""Candle charts in JupyterLab: the bars drawn are the bars pandas makes of the same ticks, the
newest bar changes in place while the cell that feeds it still runs, the volume has its own axis,
and a reloaded page draws the same candles again.

What was drawn is read from the view's `data-livefeed-candles` attribute ([x, open, high, low,
close] of the candles in view, written by the frame that drew them).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import Locator, Page

from ..support.charts import TIMEOUT, named_chart_view, readings_while_running, value_range
from ..support.jupyter import LabServer
from ..support.notebook import Notebook, running_notebook
from ..support.waiting import wait_for

pytestmark = pytest.mark.e2e

BAR = "5s"
TICKS = 400  # 4 a second of simulated time for 100 s: 20 bars of 20 ticks

CELLS = [
    "import json, time\nimport numpy as np\n"
    "rng = np.random.default_rng(11)\n"
    "t0 = pd.Timestamp('2026-12-01T09:30Z')\n"
    f"ticks = pd.DataFrame({{'t': t0 + pd.to_timedelta(np.arange({TICKS}) * 250, unit='ms'),"
    f" 's': rng.choice(['ACME', 'BETA'], {TICKS}),"
    f" 'p': 100 + np.cumsum(rng.normal(0, 0.4, {TICKS})),"
    f" 'q': rng.integers(1, 100, {TICKS})}})\n"
    "def expected(symbol, frame=None):\n"
    "    frame = ticks if frame is None else frame\n"
    "    mine = frame[frame['s'] == symbol].set_index('t')\n"
    f"    bars = mine['p'].resample('{BAR}', origin='epoch').ohlc().dropna()\n"
    "    x = (bars.index - pd.Timestamp(0, tz='UTC')) // pd.Timedelta(1, 'ms')\n"
    "    rows = [[float(a), *map(float, b)] for a, b in zip(x, bars.to_numpy())]\n"
    "    return json.dumps(rows)",
    # Made, shown and fed in one cell, a tick at a time: the newest bar changes in place.
    f'candles = LiveChart(None, x="t", y="p", group_by="s", kind="candles", bar="{BAR}",'
    ' volume="q", height=260, title="candles")\n'
    "display(candles)\n"
    "for row in ticks.to_dict('records'):\n"
    "    candles.push(row)\n"
    "    time.sleep(0.01)\n"
    "print('fed')",
]


@pytest.fixture(scope="module")
def notebook(page: Page, lab_server: LabServer, save_widget_state: None) -> Iterator[Notebook]:
    with running_notebook(page, lab_server, "candles.ipynb", CELLS, closing="candles.stop()") as nb:
        yield nb


def drawn_candles(view: Locator) -> dict[str, list[list[float]]]:
    text = view.get_attribute("data-livefeed-candles")
    assert text, "the view lists no candles"
    candles: dict[str, list[list[float]]] = json.loads(text)
    return candles


def _in_sight(view: Locator) -> Locator:
    view.scroll_into_view_if_needed()
    # A view out of sight draws nothing: wait for a frame drawn in sight.
    wait_for(
        lambda: view.get_attribute("data-livefeed-candles") is not None,
        what="the candle chart drawn in sight",
    )
    return view


def expected(notebook: Notebook, symbol: str, frame: str = "ticks") -> list[list[float]]:
    """The bars pandas makes of the ticks of ``symbol`` in the kernel's DataFrame ``frame``."""
    rows: list[list[float]] = json.loads(notebook.evaluate(f"expected({symbol!r}, {frame})"))
    return rows


def _wait_for_every_bar(notebook: Notebook, view: Locator) -> None:
    """Wait until ``view`` draws, for each symbol, the 20 bars pandas makes of all the ticks."""
    for symbol in ("ACME", "BETA"):
        want = expected(notebook, symbol)
        assert len(want) == 20
        wait_for(
            lambda symbol=symbol, want=want: drawn_candles(view).get(symbol) == want,
            timeout=TIMEOUT,
            what=lambda symbol=symbol: f"{symbol}'s candles: {drawn_candles(view).get(symbol)}",
        )


def test_the_candles_drawn_are_the_bars_pandas_makes(notebook: Notebook) -> None:
    view = _in_sight(named_chart_view(notebook, "candles"))
    _wait_for_every_bar(notebook, view)
    # The volume (counts summed per bar) has the right axis to itself; prices keep the left.
    volumes = json.loads(
        notebook.evaluate(
            "json.dumps([float(v) for v in ticks.set_index('t').groupby('s')['q']"
            f".resample('{BAR}', origin='epoch').sum().agg(['min', 'max'])])"
        )
    )
    # Its axis starts at 0 and puts the tallest bar a quarter of the way up (VOLUME_SHARE, less
    # the 5 % padding of every range), under the candles.
    low, high = value_range(view, "y2-range")
    assert low == 0 and 0.2 < volumes[1] / high <= 0.25, (low, high, volumes)
    prices = [v for bars in drawn_candles(view).values() for bar in bars for v in bar[1:]]
    low, high = value_range(view, "y-range")
    assert low <= min(prices) and max(prices) <= high < volumes[0], (low, high)
    assert notebook.evaluate("candles.stats['errors']") == "0"


def test_the_newest_candle_changes_in_place_while_the_cell_runs(notebook: Notebook) -> None:
    view = named_chart_view(notebook, "candles")
    cell_id, run = notebook.start_cell(
        "t1 = ticks['t'].max() + pd.Timedelta('1s')\n"
        "for i in range(60):\n"
        "    candles.push({'t': t1 + pd.Timedelta(milliseconds=50 * i), 's': 'ACME',"
        " 'p': 150.0 + i, 'q': 1})\n"
        "    time.sleep(0.05)\n"
        "time.sleep(1)\nprint('done')"
    )
    _in_sight(view)  # the new cell took the notebook to its end
    readings = readings_while_running(
        notebook, cell_id, [view], run=run, done="done", keep_in_sight=True
    )
    newest = [json.loads(r[0]["candles"])["ACME"][-1] for r in readings if "candles" in r[0]]
    rising = [bar for bar in newest if bar[4] >= 150.0]
    # Several frames drew the new bar while the cell fed it, each with the same x and open and
    # a higher close: one candle changed in place, not one candle per tick.
    assert len({bar[4] for bar in rising}) >= 3, newest
    assert len({(bar[0], bar[1]) for bar in rising}) == 1, rising
    closes = [bar[4] for bar in rising]
    assert closes == sorted(closes)
    final = json.loads(view.get_attribute("data-livefeed-candles") or "{}")["ACME"]
    assert final[-1][1:] == [150.0, 209.0, 150.0, 209.0]
    assert [bar[0] for bar in final] == sorted({bar[0] for bar in final})  # no x twice


def test_a_reloaded_page_draws_the_same_candles(page: Page, notebook: Notebook) -> None:
    view = _in_sight(named_chart_view(notebook, "candles"))
    before = drawn_candles(view)
    # A reloaded page shows the outputs of a saved notebook; the kernel keeps the bars.
    notebook.save()
    notebook.reload()
    view = _in_sight(named_chart_view(notebook, "candles"))
    wait_for(lambda: drawn_candles(view) == before, what="the candles after a reload")


def test_history_pushed_after_live_ticks_is_drawn_in_its_bars(notebook: Notebook) -> None:
    # The later ticks first, as a live feed gives them, then the earlier ones as history. The
    # split falls inside a bar (tick 210 is 52.5 s in, bars are 5 s): that bar gets ticks from
    # both, and the bars before it come after the newer ones.
    notebook.run_cell(
        f'late = LiveChart(None, x="t", y="p", group_by="s", kind="candles", bar="{BAR}",'
        ' height=200, title="late")\nlate.push(ticks[210:])\nlate'
    )
    view = _in_sight(named_chart_view(notebook, "late"))
    live = expected(notebook, "ACME", "ticks[210:]")
    wait_for(lambda: drawn_candles(view).get("ACME") == live, what="the live ticks' bars")
    notebook.run_cell("late.push(ticks[:210])")
    view = _in_sight(view)
    _wait_for_every_bar(notebook, view)
    assert notebook.evaluate("late.stats['errors'], len(late.data)") == "0 40"
