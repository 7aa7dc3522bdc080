"""The `/` search line under the document: it shows the query being typed.

It never takes the focus: the screen feeds it the keys (see `SearchingScreen.take_key`),
so the keys typed right after Enter go to the text, in order, however fast they come.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

PROMPT = "search the text · Enter goes · Esc cancels"


class SearchBar(Static):
    """`/query▏`, or the prompt while the query is empty."""

    def show(self, query: str, *, offered: bool = False) -> None:
        """The query; an `offered` one (the last search, which a key replaces) reversed."""
        if query:
            shown = (query, "reverse") if offered else query
            self.update(Content.assemble(("/", "bold"), shown, ("▏", "bold $accent")))
        else:
            self.update(
                Content.assemble(("/", "bold"), ("▏", "bold $accent"), (PROMPT, "$text-muted"))
            )
