"""What the workbench tests look at: the screens, the rows drawn, the style of a cell."""

from __future__ import annotations

import json
import subprocess
import sys

from rich.style import Style
from textual.pilot import Pilot

from annotator.store import NewDocument, Store, text_hash
from annotator.tui.app import AnnotatorApp
from annotator.tui.screens.annotate import AnnotateScreen
from annotator.tui.widgets.document_view import DocumentView
from annotator.tui.widgets.row_painter import GUTTER

SIZE = (120, 36)

# Markup, ANSI escapes, control and bidi characters, tabs, CRLF, wide and joined characters.
HOSTILE = (
    "Markup [bold]not bold[/bold] and [link=http://x]no link[/link].\n"
    "Escape \x1b[31mnot red\x1b[0m, bell\x07, bidi \u202eevil\u202c, zero\u200bwidth.\n"
    "\tTabbed\tcolumns\there\r\n"
    "東京会談 安保保证 then 👩\u200d👩\u200d👧 family and 🕊️ dove, café and cafe\u0301.\n"
)


def add_doc(store: Store, text: str) -> str:
    with store.transaction():
        store.import_documents([NewDocument(text=text)])
    return text_hash(text)


def annotate_screen(app: AnnotatorApp) -> AnnotateScreen:
    screen = app.screen
    assert isinstance(screen, AnnotateScreen), screen
    return screen


def document_view(app: AnnotatorApp) -> DocumentView:
    return annotate_screen(app).query_one(DocumentView)


def workbench(pilot: Pilot[None]) -> AnnotatorApp:
    """The pilot's app, as the workbench it is (so its methods are typed)."""
    app = pilot.app
    assert isinstance(app, AnnotatorApp), app
    return app


async def open_doc(pilot: Pilot[None], doc_id: str) -> DocumentView:
    workbench(pilot).open_document(doc_id)
    await pilot.pause()
    return document_view(workbench(pilot))


def drawn_rows(view: DocumentView) -> list[str]:
    """The text of every row on screen as drawn, gutter included, trailing blanks cut."""
    return [view.render_line(y).text.rstrip() for y in range(view.size.height)]


def cell_of(view: DocumentView, offset: int) -> tuple[int, int]:
    """Screen cell `(x, y)` of code point `offset`, relative to the view."""
    layout = view.text_layout
    assert layout is not None
    row = layout.row_of(offset)
    return layout.x_of(offset, row) + GUTTER, row - view.scroll_offset.y


def style_at(view: DocumentView, offset: int) -> Style:
    """The style drawn on the cell of code point `offset`."""
    x, y = cell_of(view, offset)
    position = 0
    for segment in view.render_line(y):
        if position <= x < position + segment.cell_length:
            return segment.style or Style()
        position += segment.cell_length
    raise AssertionError(f"nothing drawn at cell {x} of line {y}")


def layer(store: Store, doc_id: str, name: str = "alice") -> list[tuple[int, int, str, str]]:
    """The rows of a layer as `(start, end, label, text)`."""
    text = store.document(doc_id).text
    return [(s.start, s.end, s.label, text[s.start : s.end]) for s in store.spans(doc_id, name)]


def modules_loaded_by(*modules: str) -> set[str]:
    """Every module a fresh interpreter holds after importing `modules` (and nothing else):
    what a start path pays for, whatever this test process has imported already."""
    code = f"import sys, json, {', '.join(modules)}; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout))
