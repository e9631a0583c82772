"""livefeed: live charts of WebSocket feeds in Jupyter.

Only new points travel to the browser, as binary, in bounded batches, into bounded buffers.
"""

from ._feed import Feed
from ._widget import LiveChart, link

__all__ = ["Feed", "LiveChart", "__version__", "link"]
__version__ = "0.1.0"
