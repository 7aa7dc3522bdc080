"""The annotate screen's hold on its document's assignment: time, place, finished state.

What the annotator does with a document's assignment beyond its spans: the time spent
and the place of the cursor, kept when they leave the document, on the periodic flush
and on quit (never per key: keystrokes stay free of writes), so the workbench reopens
where they left off (`Store.resume_document`, `Assignment.cursor`); a document already
marked done says so in the status line, since an edit changes finished work; and `s` on
a document with no spans asks first. The annotate screen calls these from `load`, its
flush timer and `s`; its keys and panels stay its own.
"""

from __future__ import annotations

from textual.content import Content

from annotator.errors import StoreError
from annotator.models import Assignment, Status
from annotator.store import Store
from annotator.tui.clock import ActivityClock
from annotator.tui.screens.searching import SearchingScreen
from annotator.tui.screens.status import with_note
from annotator.tui.span_index import SpanRef
from annotator.tui.span_writer import SpanWriter

DONE_NOTE = "marked done · "
EMPTY_DONE = "No spans in this document: s again marks it done all the same"


class ProgressScreen(SearchingScreen[SpanRef]):
    """An editing screen on one annotator's assignments (the writer's layer is theirs)."""

    def __init__(self, store: Store, writer: SpanWriter) -> None:
        super().__init__(store, writer)
        self.clock = ActivityClock()
        self._open: str | None = None
        """the document whose assignment the place and time go to"""
        self._place: int | None = None
        """the cursor as last stored for it"""
        self._finished = False
        self._asked = False

    def _opened(self, doc_id: str, assignment: Assignment | None) -> None:
        """A document was loaded: put the cursor where this annotator left it."""
        self._open = doc_id
        self._place = assignment.cursor if assignment is not None else None
        self._finished = assignment is not None and assignment.status == Status.DONE
        self._asked = False
        if self._place is not None:
            self.view.move_to(self._place)

    def flush_time(self) -> None:
        """Add the time spent since the last flush to the assignment, and keep where the
        cursor is; nothing is written when neither changed."""
        seconds, place = self.clock.take(), self.view.cursor
        doc_id = self._open
        if doc_id is None or self.store.read_only or (seconds <= 0 and place == self._place):
            return
        try:
            self.store.add_time(doc_id, self.writer.layer, seconds, cursor=place)
            self._place = place
        except StoreError as exc:
            self.notify(str(exc), title="Time not recorded", severity="warning")

    def _ask_before_done(self, has_spans: bool) -> bool:
        """Whether `s` should stop to ask: no spans, and not asked yet on this opening."""
        if has_spans or self._asked:
            return False
        self._asked = True
        self.flash(EMPTY_DONE)
        return True

    # ------------------------------------------------------------ status line

    def _note(self) -> str:
        return DONE_NOTE if self._finished else ""

    def _status(self) -> Content:
        return with_note(self._note(), super()._status())

    def _status_width(self) -> int:
        return super()._status_width() - len(self._note())
