"""Every width: the label keys and the footer at 80x24, a reading measure at 250
columns, and a label chooser that wraps definitions rather than cutting them."""

from __future__ import annotations

from itertools import pairwise

import pytest
from terminals import SPANS, annotate
from textual.widgets import OptionList
from textual.widgets._footer import FooterKey
from tui_helpers import annotate_screen, drawn_rows, layer, open_doc, workbench

from annotator.models import Label
from annotator.store import Store
from annotator.tui import make_app
from annotator.tui.screens.choosers import INDENT
from annotator.tui.widgets.legend import LegendLine
from annotator.tui.widgets.row_painter import GUTTER
from annotator.tui.widgets.span_list import SpanList


def labels(store: Store) -> list[Label]:
    return list(store.scheme.labels)


# ------------------------------------------------------------------- 80x24


async def test_at_80x24_the_label_keys_are_on_one_line(project: Store, seed_id: str) -> None:
    text = project.document(seed_id).text
    async with make_app(project, "alice").run_test(size=(80, 24)) as pilot:
        await open_doc(pilot, seed_id)
        screen = annotate_screen(workbench(pilot))
        assert not screen.query_one("#side-panel").display
        line = screen.query_one(LegendLine)
        assert line.display and line.region.height == 1
        shown = line.render_line(0).text
        everything = "1 d demand  2 g guarantor  3 t quote  4 a attribution  5 o opinion"
        assert shown.strip() == everything
        # A click on a label applies it, as in the side panel's legend.
        await pilot.click(LegendLine, offset=(shown.index("guarantor") + 1, 0))
        assert [row[2:] for row in layer(project, seed_id)] == [("guarantor", text[:6])]


async def test_the_one_line_legend_shows_wherever_the_side_panel_does_not(
    project: Store, seed_id: str
) -> None:
    async with make_app(project, "alice").run_test(size=(120, 36)) as pilot:
        await open_doc(pilot, seed_id)
        screen = annotate_screen(workbench(pilot))
        line = screen.query_one(LegendLine)
        assert screen.query_one("#side-panel").display and not line.display
        await pilot.press("b")  # the side panel folded away by hand
        assert not screen.query_one("#side-panel").display and line.display


def test_the_legend_line_shortens_names_before_it_loses_a_key(store: Store) -> None:
    line = LegendLine()
    line.show(labels(store), "quote")
    assert line.line(80).plain == (
        "1 d demand  2 g guarantor  3 t quote  4 a attribution  5 o opinion"
    )
    # names are cut to the longest length that fits: only the longest names lose letters
    assert line.line(50).plain == "d demand  g guaran…  t quote  a attrib…  o opinion"
    assert line.line(12).plain == "d g t a o"
    for width in range(9, 90):
        assert all(f"{label.key}" in line.line(width).plain for label in labels(store))


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 36)])
async def test_the_footer_fits_and_keeps_quit_and_help(
    project: Store, seed_id: str, size: tuple[int, int]
) -> None:
    async with make_app(project, "alice").run_test(size=size) as pilot:
        await open_doc(pilot, seed_id)
        await pilot.pause()
        keys = list(annotate_screen(workbench(pilot)).query(FooterKey))
        shown = [key for key in keys if key.display]
        assert {"quit", "help"} <= {key.action for key in shown}
        for key in shown:
            assert key.region.x >= 0 and key.region.right <= size[0], key.description
        ordered = sorted(shown, key=lambda key: key.region.x)
        for left, right in pairwise(ordered):
            assert left.region.right <= right.region.x  # none drawn over another
        if size[0] >= 120:
            assert shown == keys  # room for all of them: none left out


# ------------------------------------------------------------------ 250x50


async def test_at_250_columns_the_text_keeps_a_reading_measure(
    project: Store, seed_id: str
) -> None:
    annotate(project, seed_id)
    async with make_app(project, "alice").run_test(size=(250, 50)) as pilot:
        view = await open_doc(pilot, seed_id)
        screen = annotate_screen(workbench(pilot))
        longest = max(len(row) for row in drawn_rows(view)) - GUTTER
        assert 90 <= longest <= 100
        side = screen.query_one("#side-panel")
        assert side.region.width >= 250 - 106
        # Span texts in the panel's list are whole, not cut at 38 columns.
        spans = screen.query_one(SpanList)
        listed = [spans.render_line(y).text for y in range(spans.count)]
        for covered, _label in SPANS:  # whole, or (the long quote) its first 120 characters
            assert any(covered[:120] in row for row in listed), covered


# ---------------------------------------------------------------- choosers


async def test_the_relabel_chooser_wraps_definitions_under_their_label(
    project: Store, seed_id: str
) -> None:
    text = project.document(seed_id).text
    start = text.index("According to him")
    project.add_span(seed_id, "alice", start, start + 16, "attribution")
    async with make_app(project, "alice").run_test(size=(80, 24)) as pilot:
        view = await open_doc(pilot, seed_id)
        view.move_to(start)
        await pilot.press("c")
        options = workbench(pilot).screen.query_one(OptionList)
        rows = [options.render_line(y).text.rstrip() for y in range(options.size.height)]
        options.scroll_end(animate=False)
        await pilot.pause()
        rows += [options.render_line(y).text.rstrip() for y in range(options.size.height)]
        words = " ".join(" ".join(rows).split())
        for label in labels(project):
            assert " ".join(label.definition.split()) in words  # whole, not cut
        under = [row for row in rows if row.strip() and not row.strip()[0].isdigit()]
        # a hanging indent: under the name, not back at the left edge
        assert under and all(row.startswith(" " * INDENT) for row in under)
