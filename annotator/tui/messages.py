"""How the app and its screens talk: typed messages, never `getattr` on one another.

Screens ask the app (their messages bubble up to it); the app answers a screen with a
message posted to that screen.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from textual.message import Message
from textual.screen import Screen

from annotator.shapes import Status


class ScreenRequest(Message):
    """A request a screen makes of the app about itself: the app answers or acts on `screen`."""

    def __init__(self, screen: Screen[Any]) -> None:
        super().__init__()
        self.screen = screen

    @property
    def control(self) -> Screen[Any]:
        return self.screen


class CountsWanted(ScreenRequest):
    """A screen shows queue totals: count the queue (again, after a change).

    The app answers `screen` at once with the totals it knows, then again when counted.
    """


class QueueCounted(Message, bubble=False):
    """The queue totals, counted in a worker; the app posts it to each screen showing them."""

    def __init__(self, total: int, counts: Mapping[Status, int]) -> None:
        super().__init__()
        self.total = total
        self.counts = dict(counts)


class DocumentWanted(Message):
    """Open this document in the annotate screen."""

    def __init__(self, doc_id: str) -> None:
        super().__init__()
        self.doc_id = doc_id


class QueueWanted(ScreenRequest):
    """Leave `screen` for the queue (the app builds one if none is under it)."""
