"""Text search for an editing screen: `/` opens the bar, F3 and shift+F3 walk the matches.

The matching itself is pure (`annotator.tui.text_search`); this layer moves the view and
says where the match is. A screen that searches lays out a `SearchBar` and binds the keys
in its own `BINDINGS` (so the footer and the help keep their order).
"""

from __future__ import annotations

from textual import events

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
        self.search_query = ""
        self.searching = False
        self._fresh = False
        self._search_origin: int | None = None

    def _state(self) -> tuple[object, ...]:
        return (*super()._state(), bool(self.last_query))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Next match is greyed out until something was searched."""
        if action == "search_next" and self.is_mounted:
            return True if self.last_query else None
        return super().check_action(action, parameters)

    def action_search(self) -> None:
        self._search_origin = self.view.cursor
        self.search_query = self.last_query
        self.searching = True
        self._fresh = True  # the last query is offered: Enter reuses it, a key replaces it
        bar = self.query_one(SearchBar)
        bar.add_class("-open")
        bar.show(self.search_query, offered=True)

    def take_key(self, event: events.Key) -> bool:
        """While searching, every key edits the query (or ends the search)."""
        if not self.searching:
            return super().take_key(event)
        key, character = event.key, event.character
        if key == "enter":
            self._end_search()
            self.last_query = self.search_query
            self._schedule_bindings_refresh()
            if self._fresh and self.last_query:  # the last query, taken as offered
                self._fresh = False
                self.action_search_next(1)
            return True
        if key == "escape":
            self._end_search()
            self.view.set_matches([])
            if self._search_origin is not None:
                self.view.move_to(self._search_origin)
            return True
        fresh, self._fresh = self._fresh, False
        if fresh and (key in ("backspace", "ctrl+u", "ctrl+w") or character):
            self.search_query = ""
        if key == "backspace":
            query = self.search_query[:-1]
        elif key == "ctrl+u":
            query = ""
        elif key == "ctrl+w":
            query = self.search_query.rstrip()
            query = query[: max(query.rfind(" ") + 1, 0)]
        elif character and character.isprintable():
            query = self.search_query + character
        else:
            return True  # arrows and the like: nothing to do in a one-line query
        self._query_changed(query)
        return True

    def on_paste(self, event: events.Paste) -> None:
        """Pasted text goes into the query while searching (its first line)."""
        if self.searching:
            event.stop()
            first_line = event.text.splitlines()[0] if event.text.strip() else ""
            self._query_changed(self.search_query + first_line)

    def _end_search(self) -> None:
        self.searching = False
        self.query_one(SearchBar).remove_class("-open")

    def _go_to_match(self, origin: int, step: int) -> None:
        matches = self.view.matches
        if not matches:
            self.flash("No match")
            return
        index = match_from(matches, origin, step)
        self.view.select(*matches[index])
        self.flash(f"match {index + 1} of {len(matches)}", "$text-accent")

    def _query_changed(self, query: str) -> None:
        self.search_query = query
        self.query_one(SearchBar).show(query)
        self.view.set_matches(find_matches(self.view.text, query))
        if query:
            self._go_to_match(self._search_origin or 0, 1)

    def action_search_next(self, step: int) -> None:
        if not self.view.matches and self.last_query:
            self.view.set_matches(find_matches(self.view.text, self.last_query))
        self._go_to_match(search_origin(self.view.selection, self.view.cursor, step), step)
