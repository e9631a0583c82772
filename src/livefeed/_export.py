"""A chart as a standalone HTML page: its current window, drawn by the same front end, offline.

The page holds everything it needs: the built front end (`static/widget.js` and `widget.css`),
the chart's traits, and every point of its window (not the decimated snapshot of saved
notebooks). A small script plays the widget model's part: it hands the traits to the front end,
which draws them as it draws a saved notebook opened without a kernel. Nothing is fetched, so
the page opens from a file, with no server and no network.
"""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path
from typing import Any

# The model's part: `get` reads the saved traits; the rest does nothing, as there is no kernel
# to talk to. The state holds `_saved_at`, so the badge says the page is a saved one.
_BOOT = """
const text = (id) => document.getElementById(id).textContent;
const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
const traits = JSON.parse(text("livefeed-state"));
const snapshot = traits.snapshot;
for (const key of ["x", "y"]) {
  if (snapshot && typeof snapshot[key] === "string") {
    const b = bytes(snapshot[key]);
    snapshot[key] = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
}
const source = new TextDecoder().decode(bytes(text("livefeed-esm")));
const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
const widget = (await import(url)).default;
const model = {
  get: (name) => traits[name],
  set() {},
  save_changes() {},
  send() {},
  on() {},
  off() {},
  widget_manager: { kernel: null },
};
widget.initialize?.({ model });
widget.render({ model, el: document.getElementById("livefeed-chart") });
"""


def _script_json(value: object) -> str:
    # "<" escaped, so that no text in the data (a title, a series name) can end the script.
    return json.dumps(value, separators=(",", ":")).replace("<", "\\u003c")


def standalone_page(traits: dict[str, Any], esm: str, css: str, title: str) -> str:
    """The HTML of a page drawing a chart of these traits (JSON-ready, with the snapshot's `x`
    and `y` as bytes) with the front end `esm` and its `css`."""
    state = dict(traits)
    snapshot = dict(state.get("snapshot") or {})
    for key in ("x", "y"):
        if isinstance(snapshot.get(key), (bytes, bytearray, memoryview)):
            snapshot[key] = base64.b64encode(bytes(snapshot[key])).decode("ascii")
    state["snapshot"] = snapshot
    encoded_esm = base64.b64encode(esm.encode("utf-8")).decode("ascii")
    style = css.replace("</", "<\\/")  # no text may end the style element early
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title or "livefeed chart")}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 24px; color: #222; background: #fff; }}
{style}
</style>
</head>
<body>
<div id="livefeed-chart"></div>
<script type="application/json" id="livefeed-state">{_script_json(state)}</script>
<script type="text/plain" id="livefeed-esm">{encoded_esm}</script>
<script type="module">{_BOOT}</script>
</body>
</html>
"""


def write_page(path: Path, page: str) -> None:
    """Write the page, whole or not at all: a reader never sees half a file."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(page, encoding="utf-8")
    partial.replace(path)
