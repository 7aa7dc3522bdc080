"""Labelling with the keyboard and the mouse, asserted on the database and on the screen."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from tui_helpers import SIZE, annotate_screen, cell_of, drawn_rows, layer, open_doc, style_at

from annotator.models import Status
from annotator.store import Store
from annotator.tui.app import AnnotatorApp
from annotator.tui.screens.annotate import AnnotateScreen
from annotator.tui.screens.choosers import LabelChooserModal, SpanChooserModal
from annotator.tui.screens.queue import QueueScreen

SEED_START = "Lavrov rejects NATO path, calls for neutral Ukraine"


async def test_enter_opens_the_first_document_and_starts_it(
    app: AnnotatorApp, project: Store, seed_id: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("enter")
        view = annotate_screen(app).view
        assert view.text.startswith(SEED_START)
        assert drawn_rows(view)[0].strip().startswith(SEED_START[:40])
        assignment = project.assignment(seed_id, "alice")
        assert assignment is not None and assignment.status is Status.IN_PROGRESS
        # The other documents stay in alice's queue (the project has no assignments).
        assert project.queue_count("alice") == 5


async def test_select_by_token_and_label_with_the_shortcut_and_the_number(
    app: AnnotatorApp, project: Store, seed_id: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        view = await open_doc(pilot, seed_id)
        await pilot.press("shift+right", "shift+right", "shift+right")
        assert view.selection is not None
        assert view.text[view.selection.start : view.selection.end] == "Lavrov rejects NATO"
        await pilot.press("d")
        assert layer(project, seed_id) == [(0, 19, "demand", "Lavrov rejects NATO")]
        # Committed at once: another connection (or a killed process) sees it.
        with closing(sqlite3.connect(project.path)) as other:
            rows = other.execute('SELECT start, "end", label, layer FROM spans').fetchall()
        assert rows == [(0, 19, "demand", "alice")]
        # The selection is used up: the cursor waits on the next word, where a label
        # key labels that word, not the same text again.
        assert view.selection is None and view.target() == (20, 24)
        # A second label on the same text: shift+tab chooses the span, the key labels it.
        await pilot.press("shift+tab", "2")
        assert layer(project, seed_id) == [
            (0, 19, "demand", "Lavrov rejects NATO"),
            (0, 19, "guarantor", "Lavrov rejects NATO"),
        ]
        # On screen: the new span is focused (full colour); moving on shows the tint.
        await pilot.press("escape", "right", "left", "left")
        assert "guarantor" in str(annotate_screen(app).query_one("#status").render())
        view_style = style_at(view, 2)
        assert view_style.underline  # two spans over the same characters
        assert view_style.bgcolor is not None


async def test_no_selection_labels_the_token_under_the_cursor(
    app: AnnotatorApp, project: Store, seed_id: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        view = await open_doc(pilot, seed_id)
        await pilot.press("right", "right", "right")  # Lavrov rejects NATO |path
        assert view.target() == (20, 24)
        await pilot.press("o")
        assert layer(project, seed_id) == [(20, 24, "opinion", "path")]


async def test_shift_left_then_right_flips_around_the_anchor_token(
    app: AnnotatorApp, seed_id: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        view = await open_doc(pilot, seed_id)
        await pilot.press("right", "right")  # on "NATO"
        await pilot.press("shift+left")
        assert view.selection and view.text[view.selection.start : view.selection.end] == "NATO"
        await pilot.press("shift+left")
        assert view.text[view.selection.start : view.selection.end] == "rejects NATO"
        await pilot.press("shift+right")
        assert view.text[view.selection.start : view.selection.end] == "NATO"
        await pilot.press("shift+right")
        assert view.text[view.selection.start : view.selection.end] == "NATO path"
        await pilot.press("escape")
        assert view.selection is None


async def test_nudge_moves_one_edge_by_a_character_without_snapping(
    app: AnnotatorApp, project: Store
) -> None:
    doc = project.queue("alice", search="Neutral Ukraine")[0].doc_id
    text = project.document(doc).text
    start = text.index("Ukraine’s security")
    async with app.run_test(size=SIZE) as pilot:
        view = await open_doc(pilot, doc)
        view.move_to(start)
        await pilot.press("shift+right")
        assert view.text[view.selection.start : view.selection.end] == "Ukraine’s"
        await pilot.press("alt+shift+left", "ctrl+shift+left")
        assert view.text[view.selection.start : view.selection.end] == "Ukraine"
        await pilot.press("g")
        assert (start, start + 7, "guarantor", "Ukraine") in layer(project, doc)


async def test_mouse_drag_selects_whole_tokens_and_a_click_focuses_a_span(
    app: AnnotatorApp, project: Store, seed_id: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        view = await open_doc(pilot, seed_id)
        text = view.text
        start, end = text.index("Kyiv must"), text.index("Kyiv must") + len("Kyiv must aba")
        x1, y1 = cell_of(view, start + 1)  # inside "Kyiv"
        x2, y2 = cell_of(view, end - 1)  # inside "abandon"
        await pilot.mouse_down(view, offset=(x1, y1))
        await pilot.hover(view, offset=(x2, y2))
        await pilot.mouse_up(view, offset=(x2, y2))
        assert view.selection is not None
        assert text[view.selection.start : view.selection.end] == "Kyiv must abandon"
        await pilot.press("d")
        await pilot.press("escape", "ctrl+home")
        assert view.focused is None
        await pilot.click(view, offset=cell_of(view, start + 5))
        assert view.focused is not None and view.focused.label == "demand"
        assert view.focus_explicit
        assert layer(project, seed_id) == [(start, start + 17, "demand", "Kyiv must abandon")]


async def test_overlapping_spans_delete_asks_which(
    app: AnnotatorApp, project: Store, seed_id: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        view = await open_doc(pilot, seed_id)
        await pilot.press("shift+right", "shift+right", "shift+right", "t")  # quote
        await pilot.press("escape", "ctrl+home", "shift+right", "d")  # "Lavrov" inside it
        await pilot.press("ctrl+home")  # labelling moved the cursor on to the next word
        assert view.focused is not None and view.focused.label == "demand"  # innermost
        # The gutter names the outer span (its key first) where the inner one hides it.
        assert drawn_rows(view)[0].startswith("td ")
        await pilot.press("x")
        chooser = app.screen
        assert isinstance(chooser, SpanChooserModal)
        assert [span.label for span in chooser.spans] == ["demand", "quote"]
        await pilot.press("2")  # the quote
        assert isinstance(app.screen, AnnotateScreen)
        assert layer(project, seed_id) == [(0, 6, "demand", "Lavrov")]
        # Tab focuses the span explicitly: delete then needs no chooser.
        await pilot.press("tab", "delete")
        assert layer(project, seed_id) == []


async def test_relabel_and_resize_by_token(app: AnnotatorApp, project: Store, seed_id: str) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(pilot, seed_id)
        await pilot.press("right", "shift+right", "shift+right", "d")
        assert layer(project, seed_id) == [(7, 19, "demand", "rejects NATO")]
        await pilot.press("shift+tab", "c")  # back onto the span just made
        assert isinstance(app.screen, LabelChooserModal)
        await pilot.press("o")
        assert layer(project, seed_id) == [(7, 19, "opinion", "rejects NATO")]
        await pilot.press("}", "}")
        assert layer(project, seed_id) == [(7, 25, "opinion", "rejects NATO path,")]
        await pilot.press("{", "[", "]", "]")
        assert layer(project, seed_id) == [(15, 24, "opinion", "NATO path")]


async def test_enter_edits_an_extent_by_selection(
    app: AnnotatorApp, project: Store, seed_id: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        view = await open_doc(pilot, seed_id)
        await pilot.press("shift+right", "shift+right", "a", "escape", "tab")
        await pilot.press("enter")  # the cursor is on the start: the start moves
        assert view.editing is not None
        await pilot.press("alt+shift+right")
        await pilot.press("enter")
        assert view.editing is None
        assert layer(project, seed_id) == [(1, 14, "attribution", "avrov rejects")]
        view.move_to(10)  # on "rejects", nearer the end: the end moves
        await pilot.press("enter", "shift+right", "alt+shift+left", "enter")
        assert layer(project, seed_id) == [(1, 18, "attribution", "avrov rejects NAT")]


async def test_undo_and_redo_many_levels_and_across_sessions(
    app: AnnotatorApp, project: Store, seed_id: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        view = await open_doc(pilot, seed_id)
        # Each label moves the cursor on to the next word: three words, three spans.
        await pilot.press("shift+right", "d", "shift+right", "g", "shift+right", "t")
        await pilot.press("shift+tab", "x")  # back onto the quote, and delete it
        assert [label for *_, label, _ in layer(project, seed_id)] == ["demand", "guarantor"]
        await pilot.press("u")
        assert len(layer(project, seed_id)) == 3
        assert view.focused is not None and view.focused.label == "quote"  # shown again
        await pilot.press("u", "u", "u")
        assert layer(project, seed_id) == []
        await pilot.press("r", "r")
        assert [label for *_, label, _ in layer(project, seed_id)] == ["demand", "guarantor"]
        await pilot.press("q")
    # A new session undoes what the last one did: the history is the event log.
    again = AnnotatorApp(project, "alice", open_doc=seed_id)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("u")
        assert [label for *_, label, _ in layer(project, seed_id)] == ["demand"]


async def test_done_opens_the_next_document_and_records_time(
    app: AnnotatorApp, project: Store, seed_id: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(pilot, seed_id)
        annotate_screen(app).clock._pending = 42.0  # as if labelled for 42 s
        await pilot.press("s")  # no spans: it asks first, nothing is marked yet
        assert annotate_screen(app).doc_id == seed_id
        assert project.assignment(seed_id, "alice").status is Status.IN_PROGRESS  # type: ignore[union-attr]
        assert "No spans in this document: s again" in str(
            annotate_screen(app).query_one("#status").render()
        )
        await pilot.press("s")
        second = project.queue("alice")[1].doc_id
        assert annotate_screen(app).doc_id == second
        done = project.assignment(seed_id, "alice")
        assert done is not None and done.status is Status.DONE
        assert done.seconds >= 42.0
        await pilot.press("k")  # skip the second
        assert project.assignment(second, "alice").status is Status.SKIPPED  # type: ignore[union-attr]
        await pilot.press("p")  # back to the skipped one
        assert annotate_screen(app).doc_id == second
        await pilot.press("l")
        assert isinstance(app.screen, QueueScreen)


async def test_search_selects_the_match_so_a_key_labels_it(
    app: AnnotatorApp, project: Store, seed_id: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        view = await open_doc(pilot, seed_id)
        await pilot.press("/", *"donbas", "enter")
        selection = view.selection
        assert selection is not None and view.text[selection.start : selection.end] == "Donbas"
        await pilot.press("shift+right", "d")
        assert layer(project, seed_id)[0][2:] == ("demand", "Donbas region")
        await pilot.press("/", *"ukraine", "enter", "f3")
        second = view.selection
        await pilot.press("shift+f3")
        assert view.selection is not None and second is not None
        assert view.selection.start < second.start


async def test_store_refusals_are_notifications(app: AnnotatorApp, project: Store) -> None:
    doc = project.queue("alice")[1].doc_id
    async with app.run_test(size=SIZE) as pilot:
        view = await open_doc(pilot, doc)
        strict = project.scheme_text.replace("allow_overlap = true", "allow_overlap = false")
        project.update_scheme(strict, "strict.toml")
        await pilot.press("shift+right", "shift+right", "d", "shift+tab", "g")  # same text
        await pilot.pause()
        # The new scheme is announced, then the overlap it forbids refused.
        notes = [(n.title, n.severity) for n in app._notifications]
        assert notes[0] == ("The scheme changed", "information")
        assert [severity for _title, severity in notes[1:]] == ["error"]
        assert len(layer(project, doc)) == 1
        assert view.index.spans[0].label == "demand"
