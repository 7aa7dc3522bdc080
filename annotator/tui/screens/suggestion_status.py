"""The status line on a suggestion: what it proposes, from where, how sure, and the keys.

Said where the eye already is, so that deciding needs no other place to look: the label
in its colour, the text it would cover (shortened in the middle, both edges kept), its
source and score (a model's version too), and the keys that decide it.
"""

from __future__ import annotations

from textual.color import Color
from textual.content import Content
from textual.style import Style

from annotator.suggest import Source, Suggestion
from annotator.tui.screens.choosers import quoted
from annotator.tui.widgets.document_view import DocumentView

Part = tuple[str, str | Style] | Content

KEYS = "Y accepts · N rejects"


def origin(suggestion: Suggestion) -> str:
    """`patterns 1.00`, `model v3 0.87`: where a suggestion comes from and its score."""
    source = suggestion.source.value
    if suggestion.source is Source.MODEL and suggestion.model:
        source += f" {suggestion.model}"
    return f"{source} {suggestion.score:.2f}"


def describe_suggestion(
    view: DocumentView,
    suggestion: Suggestion,
    extent: tuple[int, int],
    flash: Content | None = None,
    width: int = 100,
) -> Content:
    """One line about the suggestion in play, over `extent` (its own, or as corrected)."""
    start, end = extent
    color = Color.parse(view.label_colors.get(suggestion.label, "#808080"))
    head: list[Part] = [
        ("suggested ", "bold $accent"),
        (suggestion.label, Style(foreground=color, bold=True, italic=True)),
        (" ", ""),
    ]
    edited = (start, end) != (suggestion.start, suggestion.end)
    tail: list[Part] = [
        (" edges moved" if edited else "", "$text-warning"),
        (f"  {origin(suggestion)}", "$text-muted"),
    ]
    if flash is not None:
        head[:0] = [flash, ("  │  ", "$text-muted")]
    covered = view.text[start:end]
    room = width - _length([*head, *tail]) - 2
    if room - len(KEYS) - 2 >= min(len(covered) + 2, 30):  # the keys, where they fit
        tail.append((f"  {KEYS}", "$text-muted"))
        room -= len(KEYS) + 2
    return Content.assemble(*head, quoted(covered, max(room, 12)), *tail)


def _length(parts: list[Part]) -> int:
    return sum(len(part.plain) if isinstance(part, Content) else len(part[0]) for part in parts)
