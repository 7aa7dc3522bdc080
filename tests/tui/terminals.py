"""Terminals the tests run the workbench in: truecolor, 256 colours, 16 colours, NO_COLOR.

Textual picks its colour system from the environment when the app is built (COLORTERM,
TERM, NO_COLOR), and the terminal receives each colour rounded to that system. A
screenshot, though, is always exported in truecolor, from the colours before rounding;
`Rounded` does the terminal's rounding on the way to the screenshot, so that a snapshot
in 256 colours shows what a 256-colour terminal shows.
"""

from __future__ import annotations

import pytest
from rich.color import ColorSystem
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.filter import LineFilter

from annotator.store import Store
from annotator.tui.app import AnnotatorApp

# name -> the environment of such a terminal, and the colours it rounds to (None: as is)
TERMINALS: dict[str, tuple[dict[str, str | None], ColorSystem | None]] = {
    "truecolor": ({"COLORTERM": "truecolor", "TERM": "xterm-256color", "NO_COLOR": None}, None),
    "256": ({"COLORTERM": None, "TERM": "xterm-256color", "NO_COLOR": None}, ColorSystem.EIGHT_BIT),
    "16": ({"COLORTERM": None, "TERM": "xterm", "NO_COLOR": None}, ColorSystem.STANDARD),
    "no-color": ({"COLORTERM": None, "TERM": "xterm-256color", "NO_COLOR": "1"}, None),
}

# One span of each label on the seed article, the quote holding a demand.
SPANS = [
    ("Kyiv must abandon ambitions of joining the Western alliance", "demand"),
    ("According to him", "attribution"),
    ("United Nations Security Council members", "guarantor"),
    ("critics say it strips Ukraine of its sovereignty", "opinion"),
    (
        "“And the guarantors would be guaranteeing the security of Ukraine, which must be "
        "neutral, which must be non-aligned with any military bloc and which must be "
        "non-nuclear,”",
        "quote",
    ),
    ("must be neutral, which must be non-aligned", "demand"),
]


def annotate(store: Store, doc_id: str) -> str:
    """alice's `SPANS` on document `doc_id`; returns its text."""
    text = store.document(doc_id).text
    for covered, label in SPANS:
        start = text.index(covered)
        store.add_span(doc_id, "alice", start, start + len(covered), label)
    return text


class Rounded(LineFilter):
    """Each colour as a terminal of `system` shows it (Rich's own rounding)."""

    def __init__(self, system: ColorSystem) -> None:
        super().__init__()
        self.system = system

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        rounded = []
        for text, style, control in segments:
            if style is not None and (style.color or style.bgcolor):
                color = style.color.downgrade(self.system) if style.color else None
                bgcolor = style.bgcolor.downgrade(self.system) if style.bgcolor else None
                style = style + Style.from_color(color, bgcolor)
            rounded.append(Segment(text, style, control))
        return rounded


def set_terminal(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """The environment of terminal `name`, for the apps built after this."""
    for variable, value in TERMINALS[name][0].items():
        if value is None:
            monkeypatch.delenv(variable, raising=False)
        else:
            monkeypatch.setenv(variable, value)


def in_terminal(app: AnnotatorApp, name: str) -> AnnotatorApp:
    """`app` (built in terminal `name`'s environment), with screenshots rounded as its."""
    system = TERMINALS[name][1]
    if system is not None:
        # Textual's own filters live here (NO_COLOR's Monochrome is one of them).
        app._filters.append(Rounded(system))
    return app
