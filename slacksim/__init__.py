"""slacksim: a stateful simulator of the Slack Web API, for tests, benchmarks and `make demo`. See server.FakeSlack.

It imports nothing of Firebreak (an import-linter contract says so), so any Slack app can be pointed at it.
"""

from .recorder import Call
from .server import FakeSlack
from .state import Bookmark, Canvas, Channel, Message, StoredFile, User, View, Workspace

__all__ = ["Bookmark", "Call", "Canvas", "Channel", "FakeSlack", "Message", "StoredFile", "User", "View", "Workspace"]
