"""Motions that take more than one key: a count, a jump hint, a character to find.

The key that starts one (`#`, space, `f`, `F`) is a binding; the keys after it belong to
the motion until it is complete. `Motions.take` sees every key before any binding does
(the app hands them over in the order they were typed, see `AnnotatorApp.on_event`), so
keys that arrive bunched, as over SSH, still land where the previous ones left off.

Where a motion goes is pure (`hints`, `text_objects`); this class holds what is pending
and moves the view: with no selection a motion selects from the token under the cursor,
with one it moves the selection's head, so every motion also moves a span's edge while
its extent is edited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual import events
from textual.binding import Binding, BindingType

from annotator.tui import cursor as moves, text_objects
from annotator.tui.cursor import Selection
from annotator.tui.hints import assign_hints, hint_targets

if TYPE_CHECKING:
    from annotator.tui.widgets.document_view import DocumentView

MAX_COUNT = 9999

MOTION_BINDINGS: list[BindingType] = [
    Binding(
        "space",
        "hints",
        "Jump",
        tooltip="Tag every word on screen; type a tag to go there (selecting the word), "
        "or, with a selection, to stretch it over that word.",
    ),
    Binding(
        "f",
        "find(True)",
        "Through char",
        show=False,
        tooltip="Then a character: stretch the selection through the next one (f,).",
    ),
    Binding(
        "F",
        "find(False)",
        "Up to char",
        show=False,
        tooltip="Then a character: stretch the selection up to just before the next one.",
    ),
    Binding(
        "quotation_mark",
        "text_object('quote')",
        "Quotation",
        show=False,
        key_display='"',
        tooltip="Select the quotation around the cursor, marks included (again: the next one out).",
    ),
    Binding(
        "apostrophe",
        "text_object('inner')",
        "Inside quotes",
        show=False,
        key_display="'",
        tooltip="Select what the quotation around the cursor says, without its marks.",
    ),
    Binding(
        "right_parenthesis",
        "text_object('sentence')",
        "Sentence",
        show=False,
        key_display=")",
        tooltip="Select the sentence around the cursor (again: one more sentence).",
    ),
    Binding(
        "comma",
        "text_object('clause')",
        "Clause",
        show=False,
        key_display=",",
        tooltip="Select the clause around the cursor, up to , ; : or a dash (again: one "
        "more clause).",
    ),
    Binding(
        "number_sign",
        "count",
        "Count",
        show=False,
        key_display="#",
        tooltip="Type a number, then a motion: #3 shift+right selects three tokens on.",
    ),
]
"""The keys that start a motion (the document view binds them)."""


@dataclass
class HintState:
    """Tags on screen, and the letters typed so far."""

    tags: dict[str, int]
    typed: str = ""

    def shown(self) -> dict[int, str]:
        """Offset -> what is left to type of its tag (only tags that still match)."""
        return {
            offset: tag[len(self.typed) :]
            for tag, offset in self.tags.items()
            if tag.startswith(self.typed)
        }


@dataclass
class Motions:
    """The pending part of a multi-key motion in one document view."""

    view: DocumentView
    count_typed: str | None = None
    count: int | None = None
    finding: bool | None = None  # None: no; True: through the character; False: before it
    hints: HintState | None = field(default=None)

    @property
    def pending(self) -> str | None:
        """What the status line says while keys are awaited."""
        if self.hints is not None:
            return f"jump: type a tag{' ' + self.hints.typed if self.hints.typed else ''}"
        if self.finding is not None:
            return "through which character?" if self.finding else "up to which character?"
        if self.count_typed is not None:
            return f"count {self.count_typed or '…'} (then a motion)"
        if self.count is not None:
            return f"count {self.count}"
        return None

    def take_count(self) -> int:
        """The count typed before this motion (1 without one); it is used up."""
        count, self.count = self.count or 1, None
        return count

    def binding_done(self) -> None:
        """A key's binding ran: a count it did not use is dropped, not kept for later
        (unless the binding started a motion that awaits its character or tag)."""
        if self.finding is None and self.hints is None:
            self.count = None

    # ------------------------------------------------------------ starting

    def start_count(self) -> None:
        self.count_typed = ""
        self.view.post_pending()

    def start_find(self, through: bool) -> None:
        self.finding = through
        self.view.post_pending()

    def start_hints(self) -> bool:
        """Tag the word starts on screen; False when there is none."""
        view = self.view
        layout = view.text_layout
        if layout is None or not layout.row_count:
            return False
        top = view.scroll_offset.y
        bottom = min(top + view.scrollable_content_region.height, layout.row_count) - 1
        start, end = layout.row_range(top)[0], layout.row_range(max(bottom, top))[1]
        targets = hint_targets(view.text, view.tokens, start, end, view.caret)
        if not targets:
            return False
        self.hints = HintState(assign_hints(targets))
        view.show_hints(self.hints.shown())
        view.post_pending()
        return True

    # -------------------------------------------------------------- the keys

    def take(self, event: events.Key) -> bool:
        """Use `event` for the pending motion; False when nothing is pending."""
        if self.hints is not None:
            self._hint_key(event)
            return True
        if self.finding is not None:
            through, self.finding = self.finding, None
            if event.character and event.character.isprintable() and event.key != "escape":
                self._find(event.character, through)
            else:
                self.count = None
                self.view.post_pending()
            return True
        if self.count_typed is not None:
            if event.character and event.character.isdigit() and event.character.isascii():
                typed = self.count_typed + event.character
                self.count_typed = typed if int(typed) <= MAX_COUNT else self.count_typed
                self.view.post_pending()
                return True
            typed, self.count_typed = self.count_typed, None
            self.count = int(typed) if typed and int(typed) > 0 else None
            if event.key == "escape":
                self.count = None
                self.view.post_pending()
                return True
        return False

    def _hint_key(self, event: events.Key) -> None:
        hints = self.hints
        assert hints is not None
        typed = hints.typed + (event.character or "").lower()
        if event.key == "backspace" and hints.typed:
            hints.typed = hints.typed[:-1]
            self.view.show_hints(hints.shown())
            return
        matching = [tag for tag in hints.tags if tag.startswith(typed)]
        if event.key == "escape" or not event.character or not matching:
            self.cancel()
            return
        if typed in hints.tags:
            offset = hints.tags[typed]
            self.cancel()
            self.jump(offset)
            return
        hints.typed = typed
        self.view.show_hints(hints.shown())

    def cancel(self) -> None:
        """Drop whatever is pending (Esc, or a key that is not part of the motion)."""
        had_hints = self.hints is not None
        self.hints, self.finding, self.count_typed, self.count = None, None, None, None
        if had_hints:
            self.view.show_hints({})
        self.view.post_pending()

    # ------------------------------------------------------------ the moves

    def jump(self, offset: int) -> None:
        """To the word at `offset`: select it, or stretch the selection over it."""
        view = self.view
        view.set_selection(moves.jump(view.tokens, view.selection, offset))

    def _find(self, char: str, through: bool) -> None:
        view = self.view
        start = view.selection or _token_selection(view)
        found = moves.find(view.text, start, char, through, self.take_count())
        if found is None:
            view.say(f"No {char!r} ahead")
            view.post_pending()
            return
        view.set_selection(found)

    def text_object(self, kind: str) -> None:
        """Select the quotation (`quote`, `inner`), `sentence` or `clause` around."""
        view = self.view
        current = view.selection
        extent = (current.start, current.end) if current else view.target() or (view.cursor,) * 2
        found = text_objects.around(view.text, extent, kind, self.take_count())
        if found is None:
            what = "quotation" if kind in ("quote", "inner") else f"larger {kind}"
            view.say(f"No {what} around")
            view.post_pending()
            return
        view.set_selection(Selection.of(*found))


def _token_selection(view: DocumentView) -> Selection:
    """The token under the cursor as a selection (its head on the right)."""
    target = view.target()
    if target is None:
        return Selection(view.cursor, view.cursor, view.cursor)
    return Selection(target[0], target[1], target[1])
