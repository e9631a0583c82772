# livefeed in marimo: `marimo edit notebooks/marimo_live.py` (or `marimo run`), with the demo
# source running (`livefeed demo --no-lab`). Charts are anywidgets: `mo.ui.anywidget(chart)`
# shows one, and it draws live while other cells run.

import marimo

app = marimo.App()


@app.cell
def _():
    import os
    import time

    import marimo as mo

    from livefeed import LiveChart

    URL = os.environ.get("LIVEFEED_DEMO_URL", "ws://127.0.0.1:8765")
    return LiveChart, URL, mo, time


@app.cell
def _(LiveChart, URL, mo):
    # A feed read by the kernel, four symbols, one line each.
    ticker = LiveChart(f"{URL}/ticker", x="ts", y="price", group_by="symbol", title="Ticker")
    mo.ui.anywidget(ticker)
    return (ticker,)


@app.cell
def _(LiveChart, mo):
    # A chart fed from Python with push(), as a training loop would feed it.
    training = LiveChart(x="step", y="loss", title="Training loss")
    mo.ui.anywidget(training)
    return (training,)


@app.cell
def _(ticker, time, training):
    # A long cell: both charts go on drawing while it runs.
    for step in range(100):
        training.push({"step": step, "loss": 1.0 / (1 + step)})
        time.sleep(0.1)
    f"{len(training.data)} steps pushed; the ticker holds {len(ticker.data)} points"
    return


if __name__ == "__main__":
    app.run()
