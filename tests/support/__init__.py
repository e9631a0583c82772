"""What the tests and the benchmarks share, one module per concern.

Nothing is imported here, so that `tests.support.servers` does not pull in Playwright:

- `waiting`   `wait_for`, the one way to wait for a condition (a timeout only guards against hangs)
- `loop`      `LoopThread`, an asyncio event loop on a thread of its own
- `servers`   real servers on 127.0.0.1, port 0: `FeedServer` (WebSocket, handler-based) and the
              raw TCP ones for misbehaving peers (`SilentServer`, `MuteTcpServer`)
- `feeds`     connection handlers for `FeedServer`: what a test feed sends
- `env`       environments in which child processes (kernels, servers) import this livefeed
- `kernels`   a real Jupyter kernel, driven over its channels, its IOPub recorded
- `jupyter`   a real JupyterLab or Notebook 7 server process, isolated from the user's setup
- `browser`   headless Chromium: where it is, its flags, the helpers put in each page, its console
- `notebook`  a notebook open in the browser, driven through JupyterLab's own models and commands
- `charts`    finding a chart's view in a notebook and reading what it drew

The benchmarks (`python -m bench.run` from the repository root) import these as `tests.support`.
"""
