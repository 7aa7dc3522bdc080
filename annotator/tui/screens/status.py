"""The status line's words: the span under the cursor, the selection, or the token."""

from __future__ import annotations

from textual.color import Color
from textual.content import Content
from textual.style import Style

from annotator.tui.screens.choosers import quoted
from annotator.tui.widgets.document_view import DocumentView


def _label_style(view: DocumentView, label: str) -> Style:
    """The label in its scheme colour (data), bold."""
    return Style(foreground=Color.parse(view.label_colors.get(label, "#808080")), bold=True)


QUOTED = object()  # where the covered text goes, once the room for it is known


def describe(view: DocumentView, flash: Content | None = None, width: int = 100) -> Content:
    """One line about where the cursor is and what a key would do there.

    The covered text gets the room left by everything else, shortened in the middle, so
    both of its ends (the boundaries being chosen) stay in sight.
    """
    text = view.text
    parts: list[object] = []
    covered = ""
    selection = view.selection
    if view.editing is not None and selection is not None:
        span = view.index.by_id.get(view.editing)
        label = span.label if span is not None else "span"
        covered = text[selection.start : selection.end]
        parts += [
            ("editing ", "bold $accent"),
            (label, _label_style(view, label)),
            f" {selection.start}–{selection.end} ",
            QUOTED,
            ("  Enter applies · Esc cancels", "$text-muted"),
        ]
    elif selection is not None:
        first, last = view.tokens.covering(selection.start, selection.end)
        words = last - first
        covered = text[selection.start : selection.end]
        parts += [
            ("selection ", "bold $accent"),
            QUOTED,
            (f" {words} token{'s' if words != 1 else ''}", "$text-muted"),
            ("  label it: key or 1-9", "$text-muted"),
        ]
    elif view.focused is not None:
        span = view.focused
        covered = text[span.start : span.end]
        parts += [(span.label, _label_style(view, span.label)), " ", QUOTED]
        others = [s for s in view.index.at(view.caret) if s is not span]
        if others:
            parts.append(("  also: ", "$text-muted"))
            for number, other in enumerate(others):
                if number:
                    parts.append(", ")
                parts.append((other.label, _label_style(view, other.label)))
    else:
        target = view.target()
        if target is not None:
            covered = text[target[0] : target[1]]
            parts += [("no span  ", "$text-muted"), QUOTED]
        else:
            parts.append(("no span here", "$text-muted"))
    if flash is not None:
        parts[:0] = [flash, ("  │  ", "$text-muted")]
    used = sum(_length(part) for part in parts if part is not QUOTED)
    room = max(width - used - 2, 12)
    return Content.assemble(
        *(quoted(covered, room) if part is QUOTED else part for part in parts)  # type: ignore[arg-type]
    )


def _length(part: object) -> int:
    if isinstance(part, Content):
        return len(part.plain)
    if isinstance(part, tuple):
        return len(part[0])
    return len(str(part))


def with_note(note: str, line: Content) -> Content:
    """`line` after a standing note about the open document (`marked done · `): said
    where the eye is, since an edit there changes work already finished."""
    return Content.assemble((note, "bold $text-warning"), line) if note else line
