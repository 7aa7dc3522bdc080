"""Text search for an editing screen: `/` opens the bar, F3 and shift+F3 walk the matches.

The matching itself is pure (`annotator.tui.text_search`); this layer moves the view and
says where the match is. A screen that searches lays out a `SearchBar` and binds the keys
in its own `BINDINGS` (so the footer and the help keep their order).
"""

from __future__ import annotations

from annotator.store import Store
from annotator.tui.screens.editing import EditingScreen, T
from annotator.tui.span_writer import SpanWriter
from annotator.tui.text_search import find_matches, match_from, search_origin
from annotator.tui.widgets.search_bar import SearchBar


class SearchingScreen(EditingScreen[T]):
    """An editing screen whose text can be searched."""

    def __init__(self, store: Store, writer: SpanWriter) -> None:
        super().__init__(store, writer)
        self.last_query = ""
        self._search_origin: int | None = None

    def _state(self) -> tuple[object, ...]:
        return (*super()._state(), bool(self.last_query))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Next match is greyed out until something was searched."""
        if action == "search_next" and self.is_mounted:
            return True if self.last_query else None
        return super().check_action(action, parameters)

    def action_search(self) -> None:
        bar = self.query_one(SearchBar)
        if bar.has_focus:  # "/" typed in the query itself
            bar.insert_text_at_cursor("/")
            return
        self._search_origin = self.view.cursor
        bar.add_class("-open")
        bar.value = self.last_query
        self.set_focus(bar)  # at once: keys typed right after "/" must land in the bar

    def _go_to_match(self, origin: int, step: int) -> None:
        matches = self.view.matches
        if not matches:
            self.flash("No match")
            return
        index = match_from(matches, origin, step)
        self.view.select(*matches[index])
        self.flash(f"match {index + 1} of {len(matches)}", "$text-accent")

    def on_input_changed(self, event: SearchBar.Changed) -> None:
        if not isinstance(event.input, SearchBar):
            return
        event.stop()
        self.view.set_matches(find_matches(self.view.text, event.value))
        if event.value:
            self._go_to_match(self._search_origin or 0, 1)

    def on_input_submitted(self, event: SearchBar.Submitted) -> None:
        if not isinstance(event.input, SearchBar):
            return
        event.stop()
        self.last_query = event.value
        event.input.remove_class("-open")
        self.set_focus(self.view)

    def on_search_bar_cancelled(self, event: SearchBar.Cancelled) -> None:
        self.query_one(SearchBar).remove_class("-open")
        self.view.set_matches([])
        if self._search_origin is not None:
            self.view.move_to(self._search_origin)
        self.set_focus(self.view)

    def action_search_next(self, step: int) -> None:
        if not self.view.matches and self.last_query:
            self.view.set_matches(find_matches(self.view.text, self.last_query))
        self._go_to_match(search_origin(self.view.selection, self.view.cursor, step), step)
