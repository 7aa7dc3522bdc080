"""Opening a document costs one layout of its text, at the width it is shown at.

The document view used to wrap the text once while its screen was mounting (no size yet,
so at the minimum width of 8 cells: the most rows there can be) and again at its real
width on the first Resize; for a 20 MB document the wasted pass was a second of CPU on
the UI thread (`bench/large_inputs.py`).
"""

from __future__ import annotations

import pytest
from tui_helpers import SIZE, add_doc, document_view, open_doc, workbench

import annotator.tui.widgets.document_canvas as canvas
from annotator.store import Store
from annotator.tui.app import AnnotatorApp
from annotator.tui.text_layout import TextLayout


async def test_a_document_is_laid_out_once_at_the_views_width(
    app: AnnotatorApp, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    widths: list[int] = []

    class Counted(TextLayout):
        def __init__(self, text: str, width: int, *, spacing: bool = True) -> None:
            widths.append(width)
            super().__init__(text, width, spacing=spacing)

    monkeypatch.setattr(canvas, "TextLayout", Counted)
    text = "Kyiv must stay neutral, the minister said. " * 2000
    doc = add_doc(store, text)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_doc(pilot, doc)
        layout = view.text_layout
        assert layout is not None and layout.row_count > 100
        assert widths == [layout.width] and layout.width > 8
        # The previous document goes into the same view, which has its size: laid out
        # at once, at that width.
        widths.clear()
        await pilot.press("p")
        assert view.text != text
        assert widths == [layout.width]
        await pilot.press("pagedown", "ctrl+end")
        assert document_view(workbench(pilot)).caret_row() > 0
