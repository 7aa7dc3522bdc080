"""The workbench's first frame: the document as the annotate screen will show it.

`annotator annotate` paints this from a `store.glance` before it loads pydantic, the
store and the screens, then puts the annotate screen in its place (`AnnotatorApp`). The
text is where the annotate screen will show it (the same width and rows: frame.tcss
styles both) and nothing else is there: no keys (the canvas, not the document view), no
panels, and as few widgets as hold those places.
The app keeps the keys typed meanwhile and hands them on once the workbench is there.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from annotator.store.glance import Glance
from annotator.tokenize import TokenIndex
from annotator.tui.screens import fold
from annotator.tui.span_index import SpanRef
from annotator.tui.widgets.document_canvas import DocumentCanvas
from annotator.tui.widgets.project_title import project_title


class Opening(NamedTuple):
    """A project still to open, and what its first frame shows meanwhile."""

    path: Path
    glance: Glance


class GlanceScreen(Screen[None]):
    """The text, the annotator's spans and their cursor, while the workbench loads.

    The top and bottom bars are plain lines where the project bar and the key footer
    will be (those build progress bars and key lists the glance has no use for); the side
    panel's place is an empty `Static`.
    """

    def __init__(self, opening: Opening, annotator: str) -> None:
        super().__init__()
        fold(self)
        self.glance = opening.glance
        self.title_line = project_title(opening.path.name, opening.glance.scheme, annotator)

    def compose(self) -> ComposeResult:
        yield Static(self.title_line, classes="glance-top")
        yield Static(classes="glance-bottom")
        yield DocumentCanvas(id="document")
        yield Static(id="side-panel")

    def on_mount(self) -> None:
        glance, view = self.glance, self.query_one(DocumentCanvas)
        view.label_keys = glance.label_keys
        view.load(
            glance.text,
            TokenIndex.of(glance.text),
            [SpanRef.of(span) for span in glance.spans],
            glance.label_colors,
        )
        if glance.cursor is not None:
            view.move_to(glance.cursor)
        self.set_focus(view)

    def on_resize(self) -> None:
        fold(self)
