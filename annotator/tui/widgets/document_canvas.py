"""The document canvas: word-wrapped text with spans, a cursor and a selection, drawn.

A Line API widget: only the rows on screen are drawn, each from a strip cached together
with the key of what overlays it (selection, cursor, focused span, search matches), so a
cursor move redraws the one or two rows whose key changed and nothing else. Text is handed
to the terminal as plain segments; nothing in it is ever parsed as markup (`RowPainter`).

`DocumentView` adds the keys and the mouse; this class holds the state they change and
redraws what a change touches.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import ClassVar

from textual import events
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from annotator.tokenize import TokenIndex
from annotator.tui.cursor import Selection
from annotator.tui.hints import OPENERS
from annotator.tui.span_index import SpanIndex, SpanLike
from annotator.tui.text_layout import TextLayout
from annotator.tui.widgets.hint_overlay import draw_hints
from annotator.tui.widgets.row_painter import GUTTER, Range, RowKey, RowPainter

SCROLL_MARGIN = 2
STRIP_CACHE = 512


class DocumentCanvas(ScrollView, can_focus=True):
    """Document text, spans, cursor and selection; what changes is redrawn, nothing else."""

    ALLOW_SELECT = False  # dragging selects tokens to label, not text to copy

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "document-view--cursor",
        "document-view--selection",
        "document-view--match",
        "document-view--hint",
        "document-view--linked",
    }

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.text = ""
        self.tokens = TokenIndex("")
        self.index = SpanIndex()
        self.label_colors: dict[str, str] = {}
        self.label_keys: dict[str, str] = {}
        """Each label's shortcut key, printed in the gutter of the rows it is on."""
        self.snap = True
        self.cursor = 0
        self.selection: Selection | None = None
        self.focused: SpanLike | None = None
        self.focus_explicit = False
        self.editing: int | None = None
        self.matches: list[Range] = []
        self.hints: dict[int, str] = {}
        """Jump hints on screen: offset -> the tag (what is left to type of it)."""
        self._match_starts: list[int] = []
        self._layout: TextLayout | None = None
        self._goal_x: int | None = None
        self._cache: dict[int, tuple[RowKey, Strip]] = {}
        self._painter = RowPainter(self)

    # ------------------------------------------------------------ data, from above

    def load(
        self,
        text: str,
        tokens: TokenIndex,
        spans: Sequence[SpanLike],
        colors: dict[str, str],
        *,
        snap: bool = True,
    ) -> None:
        """Show a new document, cursor on its first token."""
        self.text = text
        self.tokens = tokens
        self.label_colors = dict(colors)
        self.snap = snap
        self.index = SpanIndex.of(spans)
        self.matches, self._match_starts = [], []
        self.selection = None
        self.focused = None
        self.focus_explicit = False
        self.editing = None
        self._goal_x = None
        self._layout = None
        self._cache.clear()
        self._painter.clear()
        self.cursor = tokens.starts[0] if len(tokens) else 0
        self._relayout()
        self.scroll_to(y=0, animate=False)
        self._update(self.cursor, None, force=True)
        self.refresh()

    def set_spans(self, spans: Sequence[SpanLike], focus: int | None = None) -> None:
        """Replace the spans (after a change in the store); `focus` a span by id."""
        self.index = SpanIndex(spans)
        self._cache.clear()
        if self.editing is not None and self.editing not in self.index.by_id:
            self.editing = None
        focused = self.index.by_id.get(focus) if focus is not None else None
        if focused is None and self.focus_explicit and self.focused is not None:
            focused = self.index.by_id.get(self.focused.id)
        self.focused = None
        self._update(self.cursor, self.selection, focused=focused, force=True)
        self.refresh()

    def set_matches(self, matches: list[Range]) -> None:
        """Search matches to mark (sorted, not overlapping)."""
        self.matches = matches
        self._match_starts = [start for start, _ in matches]
        self.refresh()

    def show_hints(self, hints: dict[int, str]) -> None:
        """Draw these jump tags over the text (none: take them away)."""
        self.hints = hints
        self.refresh()

    # ------------------------------------------------------------ state, for above

    @property
    def focused_id(self) -> int | None:
        """The id of the focused span, if one is."""
        return self.focused.id if self.focused is not None else None

    @property
    def text_layout(self) -> TextLayout | None:
        """Rows and cells of the text at the current width (None before the first layout)."""
        return self._layout

    @property
    def caret(self) -> int:
        """The character the cursor is on (with a selection: the head's last character)."""
        return self.selection.caret if self.selection else self.cursor

    def target(self) -> Range | None:
        """What a label key labels: the selection, the span chosen with Tab or a click
        (a second label on the same text), else the token under the cursor."""
        if self.selection is not None:
            return self.selection.start, self.selection.end
        if self.focus_explicit and self.focused is not None:
            return self.focused.start, self.focused.end
        index = self.tokens.token_at(self.cursor)
        if index is None:
            return None
        return self.tokens.starts[index], self.tokens.ends[index]

    def spans_here(self) -> tuple[SpanLike, ...]:
        """The spans an action on "the span under the cursor" may mean, innermost first."""
        if self.focus_explicit and self.focused is not None:
            return (self.focused,)
        return self.index.at(self.caret)

    def caret_row(self) -> int:
        return self._layout.row_of(self.caret) if self._layout else 0

    # ------------------------------------------------------------ moves, from above

    def move_to(self, offset: int) -> None:
        self._update(offset, None)

    def move_past(self, offset: int) -> None:
        """No selection, the cursor on the first word after `offset` (punctuation skipped,
        but not an opening quote mark: a quote may start there)."""
        tokens, found = self.tokens, self.tokens.next_start(offset - 1) if offset else 0
        while found is not None and not (self.text[found].isalnum() or self.text[found] in OPENERS):
            following = tokens.next_start(found)
            if following is None:
                break
            found = following
        self._update(offset if found is None else found, None, force=True)

    def select(self, start: int, end: int) -> None:
        """Select `[start, end)` exactly, head on the right."""
        self._update(end, Selection.of(start, end) if end > start else None)

    def focus_span(self, span_id: int | None) -> None:
        """Put the cursor on a span and emphasise it (Tab, a click, the span list)."""
        span = self.index.by_id.get(span_id)
        if span is not None:
            self._update(span.start, None, focused=span)

    def begin_edit(self) -> bool:
        """Select the focused span's extent, to move its edges and apply with Enter.

        The edge nearer the cursor is the one that moves (after Tab: the start).
        """
        if self.focused is None:
            return False
        span = self.focused
        self.editing = span.id
        if self.caret - span.start < span.end - self.caret:
            selection = Selection(span.end, span.end, span.start)
        else:
            selection = Selection.of(span.start, span.end)
        self._update(selection.head, selection, focused=span)
        return True

    def end_edit(self) -> None:
        self.editing = None
        self._moved()

    # ------------------------------------------------------------------- layout

    def _text_width(self) -> int:
        return max(self.scrollable_content_region.width - GUTTER, 1)

    def _relayout(self) -> None:
        if self.scrollable_content_region.width <= 0:
            # Not laid out yet (loaded as its screen mounts): the first draw lays the text
            # out at its real width; at the minimum width it would cost more (1 s, 20 MB).
            return
        width = self._text_width()
        if self._layout is not None and self._layout.width == max(width, 8):
            return
        self._layout = TextLayout.of(self.text, width)
        self._cache.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, self._layout.row_count)

    def on_resize(self, event: events.Resize) -> None:
        self._relayout()
        self._scroll_to_caret()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._painter.clear()
        self._cache.clear()

    # ------------------------------------------------------------------ drawing

    def _caret_range(self) -> Range | None:
        if self.selection is not None:
            return None
        index = self.tokens.token_at(self.cursor)
        if index is not None:
            return self.tokens.starts[index], self.tokens.ends[index]
        if self.cursor < len(self.text):
            return self.cursor, self.cursor + 1
        return None

    def _focus_range(self) -> Range | None:
        return (self.focused.start, self.focused.end) if self.focused is not None else None

    def _row_key(self, row: int) -> RowKey:
        assert self._layout is not None
        start = self._layout.starts[row]
        # The offsets a row owns: its text, and after a paragraph's last row its line break.
        limit = self._layout.row_limit(row)

        def clip(found: Range | None) -> Range | None:
            if found is None or found[0] >= limit or found[1] <= start:
                return None
            return max(found[0], start), min(found[1], limit)

        selection = self.selection
        focus = clip(self._focus_range())
        matches: tuple[Range | None, ...] = ()
        if self.matches:
            first = max(bisect.bisect_right(self._match_starts, start) - 1, 0)
            last = bisect.bisect_left(self._match_starts, limit)
            matches = tuple(clip(found) for found in self.matches[first:last])
        whole = (selection.start, selection.end) if selection else None
        if whole is not None and whole == self._focus_range():
            # A selection that is exactly the focused span (just labelled, or an extent
            # being edited) shows the span's colour rather than hiding it.
            whole = None
        return (
            clip(whole),
            clip(self._caret_range()),
            focus,
            self.focused.label if focus and self.focused else None,
            matches,
        )

    def render_line(self, y: int) -> Strip:
        if self._layout is None:  # the first draw, not a frame later on the Resize
            self._relayout()
            self._scroll_to_caret(first_draw=True)  # the first frame shows the cursor
        width = self.scrollable_content_region.width
        row = self.scroll_offset.y + y
        layout = self._layout
        if layout is None or row >= layout.row_count:
            return Strip.blank(width, self._painter.base)
        key = self._row_key(row)
        cached = self._cache.get(row)
        if cached is not None and cached[0] == key:
            strip = cached[1]
        else:
            strip = self._painter.paint(row, key, width)
            if len(self._cache) >= STRIP_CACHE:
                del self._cache[next(iter(self._cache))]
            self._cache[row] = (key, strip)
        if not self.hints:
            return strip
        style = self.get_component_rich_style("document-view--hint")
        return draw_hints(strip, row, layout, self.hints, style)

    # -------------------------------------------------------------- state change

    def _update(
        self,
        cursor: int,
        selection: Selection | None,
        *,
        focused: SpanLike | None = None,
        keep_goal: bool = False,
        force: bool = False,
    ) -> None:
        """Move to a new cursor/selection, refresh the rows that changed, tell the screen."""
        if selection is not None and selection.start >= selection.end:
            selection = None
        old_selection, old_caret = self.selection, self._caret_range()
        old_focus, old_focus_id = self._focus_range(), self.focused_id
        self.cursor = min(max(cursor, 0), len(self.text))
        self.selection = selection
        if self.editing is not None and selection is None:
            self.editing = None
        if not keep_goal:
            self._goal_x = None
        caret = self.caret
        if focused is not None:
            self.focused, self.focus_explicit = focused, True
        elif not (
            self.focus_explicit
            and self.focused is not None
            and self.focused.start <= caret < self.focused.end
        ):
            here = self.index.at(caret)
            self.focused, self.focus_explicit = (here[0] if here else None), False
        changed = force or (
            old_selection != self.selection
            or old_caret != self._caret_range()
            or old_focus_id != self.focused_id
        )
        if not changed:
            return
        self._scroll_to_caret()
        if not force:
            self._refresh_ranges(
                _range_of(old_selection), _range_of(self.selection), edges_only=True
            )
            self._refresh_ranges(old_caret, self._caret_range())
            if old_focus_id != self.focused_id:
                self._refresh_ranges(old_focus, self._focus_range())
        self._moved()

    def _refresh_ranges(
        self, old: Range | None, new: Range | None, edges_only: bool = False
    ) -> None:
        layout = self._layout
        if layout is None or old == new:
            return
        if edges_only and old is not None and new is not None:
            parts = [
                (min(a, b), max(a, b)) for a, b in ((old[0], new[0]), (old[1], new[1])) if a != b
            ]
        else:
            parts = [found for found in (old, new) if found is not None]
        top = self.scroll_offset.y
        bottom = top + self.scrollable_content_region.height
        for start, end in parts:
            first = max(layout.row_of(start), top)
            last = min(layout.row_of(max(end, start)), bottom - 1)
            if last >= first:
                self.refresh_lines(first, last - first + 1)

    def _scroll_to_caret(self, first_draw: bool = False) -> None:
        """The cursor's row in view (on the first draw: at once, scrollbars not yet set)."""
        layout = self._layout
        height = self.scrollable_content_region.height
        if layout is None or height <= 0:
            return
        row = layout.row_of(self.caret)
        margin = SCROLL_MARGIN if height > 3 * SCROLL_MARGIN else 0
        top = self.scroll_offset.y
        if row < top + margin:
            y = max(row - margin, 0)
        elif row >= top + height - margin:
            y = row - height + margin + 1
        else:
            return
        self.scroll_to(y=y, animate=False, immediate=first_draw, force=first_draw)

    def _moved(self) -> None:
        """The cursor, the selection or the focused span changed (the view says so)."""


def _range_of(selection: Selection | None) -> Range | None:
    return None if selection is None else (selection.start, selection.end)
