"""The `/` search field under the document: type to search, Enter to go, Escape to cancel."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input


class SearchBar(Input):
    """An input that says when it is cancelled (Escape); Enter submits as any Input."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel search", show=False),
    ]

    class Cancelled(Message):
        """The search was abandoned."""

    def action_cancel(self) -> None:
        self.post_message(self.Cancelled())
