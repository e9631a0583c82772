"""The data path with no I/O: decode a message, read its fields, coerce values, keep each series
in a bounded ring sorted by x, and hand out batches for the browser.

Nothing here opens a socket, starts a thread or touches a widget, and nothing here imports the rest
of the package: bytes and records go in, arrays and `Batch`es come out.
"""
