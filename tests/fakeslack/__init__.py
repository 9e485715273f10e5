"""A stateful fake of the Slack Web API for tests and benchmarks. See server.FakeSlack."""

from .recorder import Call
from .server import FakeSlack
from .state import Bookmark, Canvas, Channel, Message, StoredFile, User, View, Workspace

__all__ = ["Bookmark", "Call", "Canvas", "Channel", "FakeSlack", "Message", "StoredFile", "User", "View", "Workspace"]
