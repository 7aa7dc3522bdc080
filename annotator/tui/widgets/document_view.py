"""The document view: the keys and the mouse of the document canvas.

Arrows move by token (left/right) and by row (up/down); shift grows or shrinks the
selection a token at a time; alt+shift (or ctrl+shift) nudges its moving edge by one
character; Tab walks the spans; a click puts the cursor on a token or focuses a span
(again: the next one out), a drag selects whole tokens when the scheme snaps.

The widget owns the text, tokens and spans it is given (attributes down) and says when its
cursor, selection or focus changed (`CursorMoved`, up); it never touches the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.strip import Strip

from annotator.tui import cursor as moves
from annotator.tui.cursor import Selection
from annotator.tui.motions import MOTION_BINDINGS, Motions
from annotator.tui.span_index import SpanIndex, SpanLike
from annotator.tui.widgets.document_canvas import DocumentCanvas
from annotator.tui.widgets.link_marks import LinkMarks
from annotator.tui.widgets.row_painter import GUTTER

STEPPED = frozenset({"left", "right", "up", "down"})
"""Moves a count repeats (the others go to a place: a line's end, the document's)."""


class DocumentView(DocumentCanvas):
    """Word-wrapped document text with spans, a token cursor and a selection."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"document-view--ghost"}  # with the canvas's

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "move('left')", "Previous token", show=False),
        Binding("right", "move('right')", "Next token", show=False),
        Binding("up", "move('up')", "Line up", show=False),
        Binding("down", "move('down')", "Line down", show=False),
        Binding("home", "move('home')", "Line start", show=False),
        Binding("end", "move('end')", "Line end", show=False),
        Binding("pageup", "move('page_up')", "Page up", show=False),
        Binding("pagedown", "move('page_down')", "Page down", show=False),
        Binding("ctrl+home", "move('top')", "Document start", show=False),
        Binding("ctrl+end", "move('bottom')", "Document end", show=False),
        Binding(
            "shift+left",
            "extend('left')",
            "Select by token ←",
            show=False,
            tooltip="Grow or shrink the selection by one token; the first press selects "
            "the token under the cursor.",
        ),
        Binding("shift+right", "extend('right')", "Select by token →", show=False),
        Binding("shift+up", "extend('up')", "Select line up", show=False),
        Binding("shift+down", "extend('down')", "Select line down", show=False),
        Binding("shift+home", "extend('home')", "Select to line start", show=False),
        Binding("shift+end", "extend('end')", "Select to line end", show=False),
        Binding(
            "alt+shift+left,ctrl+shift+left",
            "nudge(-1)",
            "Nudge edge ←",
            show=False,
            tooltip="Move the moving edge of the selection one character (not snapped).",
        ),
        Binding("alt+shift+right,ctrl+shift+right", "nudge(1)", "Nudge edge →", show=False),
        Binding("tab", "span(1)", "Next span", show=False),
        Binding("shift+tab", "span(-1)", "Previous span", show=False),
        Binding("escape", "clear", "Clear selection", show=False),
        *MOTION_BINDINGS,
    ]

    class Said(Message):
        """Something to tell the person (a motion that found nothing)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class CursorMoved(Message):
        """The cursor, the selection or the focused span changed."""

        def __init__(self, view: DocumentView) -> None:
            super().__init__()
            self.view = view

        @property
        def control(self) -> DocumentView:
            return self.view

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._press: int | None = None
        self._dragged = False
        self._last_click: int | None = None
        self.motions = Motions(self)
        self.link_marks = LinkMarks(self)

    def _moved(self) -> None:
        self.link_marks.update()
        self.post_message(self.CursorMoved(self))

    def render_line(self, y: int) -> Strip:
        """The row, with the spans linked to the focused one marked over it."""
        strip = super().render_line(y)
        if not self.link_marks.ranges:
            return strip
        return self.link_marks.draw(strip, self.scroll_offset.y + y)

    def post_pending(self) -> None:
        """The keys awaited changed (the status line shows them)."""
        self._moved()

    def say(self, text: str) -> None:
        self.post_message(self.Said(text))

    def set_selection(self, selection: Selection) -> None:
        self._update(selection.head, selection)

    def take_key(self, event: events.Key) -> bool:
        """A key for a motion in progress (a count, a hint tag, a character to find)."""
        return self.motions.take(event)

    @property
    def ghosts(self) -> SpanIndex:
        """The suggestions drawn as ghosts: shown, never acted on by the view's keys."""
        return self._painter.ghosts

    def set_ghosts(self, suggestions: Sequence[SpanLike]) -> None:
        """Draw these suggestions as ghosts instead of the ones before (none: no ghosts)."""
        if not suggestions and not self._painter.ghosts.spans:
            return
        self._painter.ghosts = SpanIndex(suggestions)
        self._cache.clear()
        self.refresh()

    # ---------------------------------------------------------------- motions

    def action_hints(self) -> None:
        if not self.motions.start_hints():
            self.say("No word on screen to jump to")

    def action_find(self, through: bool) -> None:
        self.motions.start_find(through)

    def action_text_object(self, kind: str) -> None:
        self.motions.text_object(kind)

    def action_count(self) -> None:
        self.motions.start_count()

    # ------------------------------------------------------------------ actions

    def _row_step(self, row: int, step: int) -> int | None:
        layout = self._layout
        assert layout is not None
        row += step
        while 0 <= row < layout.row_count and layout.is_spacer(row):
            row += 1 if step > 0 else -1
        return row if 0 <= row < layout.row_count else None

    def _vertical_target(self, rows: int) -> int | None:
        """The offset `rows` visual rows away at the remembered column."""
        layout = self._layout
        if layout is None:
            return None
        caret = self.caret
        row = layout.row_of(caret)
        if self._goal_x is None:
            self._goal_x = layout.x_of(caret, row)
        step = 1 if rows > 0 else -1
        target: int | None = row
        for _ in range(abs(rows)):
            following = self._row_step(target, step) if target is not None else None
            if following is None:
                break
            target = following
        if target is None or target == row:
            return None
        return layout.offset_at(target, self._goal_x)

    def _token_start_near(self, offset: int, row: int) -> int:
        """A token start on `row` at or near `offset` (the offset itself if none)."""
        assert self._layout is not None
        start, end = self._layout.row_range(row)
        index = self.tokens.token_at(offset)
        if index is not None:
            return self.tokens.starts[index]
        following = self.tokens.next_start(offset)
        if following is not None and following < end:
            return following
        previous = self.tokens.previous_start(offset)
        if previous is not None and previous >= start:
            return previous
        return offset

    def action_move(self, where: str) -> None:
        for _ in range(self.motions.take_count() if where in STEPPED else 1):
            self._move(where)

    def _move(self, where: str) -> None:
        layout = self._layout
        if layout is None:
            return
        tokens = self.tokens
        selection = self.selection
        cursor = self.cursor
        if where in ("left", "right") and selection is not None:
            # Like an editor: the cursor lands just before or just after the selection.
            if where == "left":
                target = tokens.snap_edge(selection.start, right=False)
            else:
                found = tokens.next_start(selection.end - 1)
                target = found if found is not None else selection.start
            self._update(target, None)
            return
        if where == "left":
            found = tokens.previous_start(cursor)
            self._update(cursor if found is None else found, None)
        elif where == "right":
            following = tokens.next_start(cursor)
            self._update(cursor if following is None else following, None)
        elif where in ("up", "down", "page_up", "page_down"):
            page = max(self.scrollable_content_region.height - 1, 1)
            rows = {"up": -1, "down": 1, "page_up": -page, "page_down": page}[where]
            below = self._vertical_target(rows)
            if below is None:
                return
            if where.startswith("page"):
                self.scroll_to(y=self.scroll_offset.y + rows, animate=False)
            self._update(self._token_start_near(below, layout.row_of(below)), None, keep_goal=True)
        elif where in ("home", "end"):
            row = layout.row_of(self.caret)
            start, end = layout.row_range(row)
            if where == "home":
                first = moves.token_range(tokens, start, 1)
                target = first[0] if first and first[0] < max(end, start + 1) else start
            else:
                found_start = tokens.previous_start(end)
                target = found_start if found_start is not None and found_start >= start else start
            self._update(target, None)
        elif where == "top":
            self._update(tokens.starts[0] if len(tokens) else 0, None)
        elif where == "bottom":
            self._update(tokens.starts[-1] if len(tokens) else len(self.text), None)

    def action_extend(self, where: str) -> None:
        for _ in range(self.motions.take_count() if where in STEPPED else 1):
            self._extend(where)

    def _extend(self, where: str) -> None:
        layout = self._layout
        if layout is None:
            return
        tokens = self.tokens
        if where in ("left", "right"):
            selection = moves.extend(
                tokens, self.selection, self.cursor, 1 if where == "right" else -1
            )
            self._update(selection.head, selection)
            return
        selection = self.selection or moves.extend(tokens, None, self.cursor, 1)
        if where in ("up", "down"):
            target = self._vertical_target(-1 if where == "up" else 1)
            keep_goal = True
        else:
            row = layout.row_of(selection.caret)
            start, end = layout.row_range(row)
            target = start if where == "home" else end
            keep_goal = False
        if target is None:
            return
        right = target >= selection.anchor_end
        head = tokens.snap_edge(target, right=right)
        selection = Selection(selection.anchor_start, selection.anchor_end, head)
        self._update(head, selection, keep_goal=keep_goal)

    def action_nudge(self, step: int) -> None:
        selection = moves.nudge(self.selection, self.cursor, step, len(self.text))
        if selection is None:
            self._update(self.cursor, None)
        else:
            self._update(selection.head, selection)

    def action_span(self, step: int) -> None:
        for _ in range(self.motions.take_count()):
            self._next_span(step)

    def _next_span(self, step: int) -> None:
        current = self.focused.id if self.focused is not None else None
        span = self.index.following(current, self.caret, step)
        if span is None and self.index.spans:
            span = self.index.spans[0 if step > 0 else -1]  # wrap around
        if span is not None:
            self._update(span.start, None, focused=span)

    def action_clear(self) -> None:
        if self.motions.pending is not None:
            self.motions.cancel()
            return
        if self.selection is None and not self.matches and not self.focus_explicit:
            return
        self.editing = None
        if self.matches:
            self.set_matches([])
        self.focus_explicit = False
        cursor = self.cursor
        if self.selection is not None:  # land on the token the head was on
            found = moves.token_range(self.tokens, self.selection.caret, -1)
            cursor = found[0] if found else self.selection.caret
        self._update(cursor, None, force=True)
        self.refresh()

    # -------------------------------------------------------------------- mouse

    def _offset_at(self, event: events.MouseEvent) -> int | None:
        layout = self._layout
        if layout is None or not layout.row_count:
            return None
        offset = event.get_content_offset_capture(self)
        row = min(max(self.scroll_offset.y + offset.y, 0), layout.row_count - 1)
        if layout.is_spacer(row):
            row = min(row + 1, layout.row_count - 1)
        return layout.offset_at(row, offset.x - GUTTER)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if event.button != 1:
            return
        offset = self._offset_at(event)
        if offset is None:
            return
        self.focus()
        self._press, self._dragged = offset, False
        self.capture_mouse()
        event.stop()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._press is None:
            return
        offset = self._offset_at(event)
        if offset is None or (not self._dragged and offset == self._press):
            return
        self._dragged = True
        press = self._press
        start, end = min(press, offset), max(press, offset) + 1
        start, end = moves.trim(self.text, start, min(end, len(self.text)))
        if self.snap and end > start:
            start, end = self.tokens.snap(start, end)
        if end <= start:
            return
        selection = Selection(start, start, end) if offset >= press else Selection(end, end, start)
        self._update(selection.head, selection)
        offset_y = event.get_content_offset_capture(self).y
        if offset_y < 0:
            self.scroll_to(y=self.scroll_offset.y - 1, animate=False)
        elif offset_y >= self.scrollable_content_region.height:
            self.scroll_to(y=self.scroll_offset.y + 1, animate=False)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._press is None:
            return
        press, self._press = self._press, None
        self.release_mouse()
        event.stop()
        if self._dragged:
            return
        self._click(press)

    def _click(self, offset: int) -> None:
        """A click puts the cursor on the token there; on spans, it focuses one of them.

        Clicking the same place again steps outwards through the spans covering it.
        """
        covering = self.index.at(offset)
        layout = self._layout
        assert layout is not None
        target = self._token_start_near(offset, layout.row_of(offset))
        if not covering:
            self._last_click = offset
            self.focus_explicit = False
            self._update(target, None, force=True)
            return
        chosen = covering[0]
        if self._last_click == offset and self.focused in covering:
            chosen = covering[(covering.index(self.focused) + 1) % len(covering)]
        self._last_click = offset
        self._update(target, None, focused=chosen)
