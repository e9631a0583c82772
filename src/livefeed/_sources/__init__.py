"""Where a chart's records come from: the `Source` seam and its implementations."""

from .base import Sink, Source
from .push import PushSource
from .websocket import ConnectOptions, Reconnect, WebSocketSource

__all__ = ["ConnectOptions", "PushSource", "Reconnect", "Sink", "Source", "WebSocketSource"]
