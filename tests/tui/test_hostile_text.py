"""Text that could fool a terminal is drawn literally, and spans sit on the right cells."""

from __future__ import annotations

from rich.cells import cell_len
from rich.color import Color as RichColor
from tui_helpers import (
    HOSTILE,
    SIZE,
    add_doc,
    annotate_screen,
    cell_of,
    drawn_rows,
    layer,
    open_doc,
    style_at,
)

from annotator.store import Store
from annotator.tui.app import AnnotatorApp


async def test_hostile_text_is_drawn_literally(app: AnnotatorApp, store: Store) -> None:
    doc = add_doc(store, HOSTILE)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_doc(pilot, doc)
        rows = [row[3:] for row in drawn_rows(view)]  # without the gutter
        assert rows[0] == "Markup [bold]not bold[/bold] and [link=http://x]no link[/link]."
        assert rows[1] == "Escape ␛[31mnot red␛[0m, bell␇, bidi \ufffdevil\ufffd, zero\ufffdwidth."
        assert rows[2] == "        Tabbed  columns here"
        assert rows[3].startswith("東京会談 安保保证 then 👩\u200d👩\u200d👧 family")
        # Nothing that a terminal would interpret reaches it.
        for y in range(view.size.height):
            for segment in view.render_line(y):
                assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in segment.text)
                assert "\u202e" not in segment.text


async def test_spans_after_wide_characters_are_highlighted_on_their_cells(
    app: AnnotatorApp, store: Store
) -> None:
    doc = add_doc(store, HOSTILE)
    text = HOSTILE
    start = text.index("family")
    async with app.run_test(size=SIZE) as pilot:
        view = await open_doc(pilot, doc)
        view.move_to(start)
        await pilot.press("shift+right", "g", "escape", "ctrl+home")
        assert layer(store, doc) == [(start, start + 6, "guarantor", "family")]
        green = RichColor.parse("#57ab5a")
        for offset in range(start, start + 6):
            background = style_at(view, offset).bgcolor
            assert background is not None and background != view.rich_style.bgcolor
            assert background.triplet is not None and background.triplet.green > green.triplet.red  # type: ignore[union-attr]
        for offset in (start - 2, start + 6):  # the spaces around it are not coloured
            assert style_at(view, offset).bgcolor == view.rich_style.bgcolor
        # The cell the layout gives is where the terminal draws the word (wide characters,
        # the emoji sequence and its joiners included).
        row = drawn_rows(view)[3]
        assert cell_of(view, start)[0] == cell_len(row[: row.index("family")])


async def test_blank_and_unbroken_documents_open_and_refuse_gracefully(
    app: AnnotatorApp, store: Store
) -> None:
    blank = add_doc(store, "   \n\n\t \n")
    unbroken = add_doc(store, "x" * 5000)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_doc(pilot, blank)
        await pilot.press("right", "down", "shift+right", "d", "x", "tab", "end", "pagedown")
        assert layer(store, blank) == []
        assert "no span here" in str(annotate_screen(app).query_one("#status").render())
        await pilot.press("l")
        view = await open_doc(pilot, unbroken)
        assert all(len(row) <= SIZE[0] for row in drawn_rows(view))
        await pilot.press("d", "pagedown", "ctrl+end")
        assert layer(store, unbroken) == [(0, 5000, "demand", "x" * 5000)]
