"""Draw the README's picture of each chart kind: `python scripts/screenshots.py [out_dir]`.

Each kind's chart is made from fixed data (a seeded random walk, and ticks for the candles),
saved as a standalone page with `chart.save()`, opened in headless Chromium from the file, and
its view photographed once it has drawn. The pictures land in docs/images/ as kind-<kind>.png.
Chromium is the Debian package's (`/usr/lib/chromium/chromium`) unless CHROMIUM names another.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from playwright.sync_api import sync_playwright

from livefeed import LiveChart

CHROMIUM = os.environ.get("CHROMIUM", "/usr/lib/chromium/chromium")
WIDTH, HEIGHT = 720, 240  # the page's width and each plot's height, in CSS pixels


def walk(n: int, seed: int) -> np.ndarray:
    """A smooth random walk of `n` values around 100."""
    steps = np.random.default_rng(seed).normal(0, 1, n)
    return np.round(100 + np.cumsum(steps), 2)


def charts() -> dict[str, LiveChart]:
    """One chart per kind, fed fixed data."""
    made: dict[str, LiveChart] = {}
    t = np.arange(120.0)
    for kind in ("line", "step", "scatter", "area"):
        chart = LiveChart(
            None,
            x="t",
            y=["a", "b"],
            x_type="number",
            kind=kind,
            height=HEIGHT,
            title=f'kind="{kind}"',
        )
        chart.push({"t": t, "a": walk(120, 1), "b": walk(120, 2) - 8})
        made[kind] = chart
    bars = LiveChart(
        None, x="t", y="requests", x_type="number", kind="bars", height=HEIGHT, title='kind="bars"'
    )
    bars.push({"t": np.arange(40.0), "requests": np.abs(walk(40, 3) - 90).round()})
    made["bars"] = bars
    rng = np.random.default_rng(4)
    ticks = 1200
    start = pd.Timestamp("2026-12-01T09:30Z")
    candles = LiveChart(
        None,
        x="t",
        y="price",
        kind="candles",
        bar="1min",
        volume="size",
        height=HEIGHT,
        title='kind="candles"',
        tz="UTC",
    )
    candles.push(
        {
            "t": start + pd.to_timedelta(np.cumsum(rng.integers(1, 5, ticks)), unit="s"),
            "price": 100 + np.cumsum(rng.normal(0, 0.15, ticks)),
            "size": rng.integers(1, 50, ticks),
        }
    )
    made["candles"] = candles
    return made


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    made = charts()
    with tempfile.TemporaryDirectory() as work, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(
            viewport={"width": WIDTH, "height": HEIGHT + 200}, device_scale_factor=2
        )
        for kind, chart in made.items():
            html = chart.save(Path(work) / f"{kind}.html")
            page.goto(html.as_uri())
            view = page.locator(".livefeed")
            view.wait_for()
            page.wait_for_function(
                "() => Number(document.querySelector('.livefeed')"
                "?.getAttribute('data-livefeed-frames') ?? 0) > 0"
            )
            # The badge of a saved page says its data are saved ones: not part of the picture.
            page.add_style_tag(content=".livefeed-badge { visibility: hidden; }")
            target = out_dir / f"kind-{kind}.png"
            view.screenshot(path=str(target))
            print(target)
            chart.close()
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parents[1] / "docs" / "images")
