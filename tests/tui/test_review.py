"""The review: walking disputed documents and writing gold, asserted on SQLite and the screen."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from review_helpers import (
    actors,
    add_spans,
    candidate_rows,
    dispute,
    finish,
    focus_item,
    gold,
    key_of,
    open_document,
    review_screen,
    settle,
)
from textual.pilot import Pilot
from tui_helpers import HOSTILE, SIZE, add_doc, drawn_rows, workbench

from annotator.adjudicate import majority
from annotator.agreement_report import build_report
from annotator.models import GOLD
from annotator.store import Store
from annotator.tui import make_app
from annotator.tui.app import AnnotatorApp
from annotator.tui.screens.choosers import LabelChooserModal
from annotator.tui.screens.help import HelpScreen, bindings_of
from annotator.tui.screens.review import ReviewScreen
from annotator.tui.widgets.candidate_list import CandidateList
from annotator.tui.widgets.review_queue import ReviewQueue


@pytest.fixture
def docs(project: Store) -> tuple[str, str]:
    return dispute(project)


@pytest.fixture
def review(project: Store, docs: tuple[str, str]) -> AnnotatorApp:
    return make_app(project, "lead", review=True)


def status_text(app: AnnotatorApp) -> str:
    return str(review_screen(app).query_one("#status").render())


async def test_queue_is_worst_first_and_opens_the_worst_document(
    review: AnnotatorApp, project: Store, docs: tuple[str, str]
) -> None:
    seed, geneva = docs
    async with review.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = review_screen(review)
        expected = [doc.id for doc in build_report(project).per_document]
        assert [doc.id for doc in screen.queue or ()] == expected == [seed, geneva]
        assert screen.doc_id == seed
        queue = screen.query_one(ReviewQueue)
        rows = [queue.render_line(y).text for y in range(queue.count)]
        assert rows[0].startswith("▸ 1 ○ 0.571  Lavrov rejects NATO path")
        assert rows[1].startswith("  2 ○ 0.") and "Negotiators meet again in Geneva" in rows[1]
        # Every distinct span, with who proposed it and how they differ; none in gold yet.
        assert [row.split("⟨")[0].split()[:6] for row in candidate_rows(review)] == [
            ["·", "●", "all", "agree", "■", "demand"],
            ["·", "≠", "label", "■", "attribution", "ann1"],
            ["·", "≠", "label", "■", "opinion", "ann2"],
            ["·", "↔", "boundary", "■", "guarantor", "ann1"],
            ["·", "↔", "boundary", "■", "guarantor", "ann2"],
            ["·", "◐", "only", "some", "■", "guarantor"],
        ]
        rows = candidate_rows(review)
        assert "ann1,ann2 ⟨Kyiv" in rows[0] and rows[0].endswith("liance⟩")
        # The two boundary versions differ at the start: each keeps its start in sight.
        assert rows[3].endswith("⟨United Nation…⟩") and rows[4].endswith("⟨Security Coun…⟩")
        assert "Gold (0)" in str(screen.query_one("#gold-title").render())


async def test_accept_and_reject_write_gold_at_once_as_the_lead(
    review: AnnotatorApp, project: Store, docs: tuple[str, str]
) -> None:
    seed, _ = docs
    demand = key_of(
        project, seed, "Kyiv must abandon ambitions of joining the Western alliance", "demand"
    )
    attribution = key_of(project, seed, "According to him", "attribution")
    async with review.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await focus_item(pilot, demand)
        await pilot.press("a")
        assert gold(project, seed) == [
            (*demand, "Kyiv must abandon ambitions of joining the Western alliance")
        ]
        # Committed at once: another connection sees it, written by the lead.
        with closing(sqlite3.connect(project.path)) as other:
            rows = other.execute('SELECT start, "end", label FROM spans WHERE layer = ?', (GOLD,))
            assert rows.fetchall() == [demand]
        assert actors(project, seed) == {"lead"}
        # Accepting moves on to the next candidate; the list marks what gold holds.
        assert review_screen(review).focused_item().key == attribution  # type: ignore[union-attr]
        assert candidate_rows(review)[0].startswith(" ✓ ● all agree")
        assert "not in gold" in status_text(review) and "attribution" in status_text(review)
        await pilot.press("a")  # attribution, then on to the opinion
        await pilot.press("x")  # reject the opinion: gold never had it
        assert [row[2] for row in gold(project, seed)] == ["demand", "attribution"]
        # Rejecting a span gold holds takes it out again.
        await focus_item(pilot, attribution)
        await pilot.press("x")
        assert [row[2] for row in gold(project, seed)] == ["demand"]
        assert actors(project, seed) == {"lead"}
        assert "Gold (1)" in str(review_screen(review).query_one("#gold-title").render())


async def test_decisions_move_to_the_next_undecided_candidate_never_onto_gold(
    review: AnnotatorApp, project: Store, docs: tuple[str, str]
) -> None:
    seed, _ = docs
    attribution = key_of(project, seed, "According to him", "attribution")
    opinion = key_of(project, seed, "According to him", "opinion")
    united = key_of(project, seed, "United Nations Security Council members", "guarantor")
    security = key_of(project, seed, "Security Council members", "guarantor")
    germany = key_of(project, seed, "Germany and Turkey", "guarantor")
    demand = key_of(
        project, seed, "Kyiv must abandon ambitions of joining the Western alliance", "demand"
    )
    async with review.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = review_screen(review)
        await focus_item(pilot, opinion)
        await pilot.press("a")
        await focus_item(pilot, attribution)
        await pilot.press("a")  # the opinion after it is in gold already: skipped
        assert screen.focused_item().key == united  # type: ignore[union-attr]
        await pilot.press("x", "a")  # united out, security in: on to Germany
        assert screen.focused_item().key == germany  # type: ignore[union-attr]
        await pilot.press("x")  # the last one: round to the first still undecided
        assert screen.focused_item().key == demand  # type: ignore[union-attr]
        await pilot.press("a")  # nothing left: the cursor stays, the status line says so
        assert screen.focused_item().key == demand  # type: ignore[union-attr]
        assert "every candidate is decided" in status_text(review)
        settled = [demand, attribution, opinion, security]
        assert sorted(row[:3] for row in gold(project, seed)) == sorted(settled)
        # Rejected before the document is marked adjudicated: they look it, and stay so.
        assert project.adjudicated_documents() == {}
        assert project.rejected_candidates(seed) == {united, germany}
        marks = [row.split()[0] for row in candidate_rows(review)]
        assert marks == ["✓", "✓", "✓", "✗", "✓", "✗"]
        await focus_item(pilot, germany)
        assert "✗ rejected" in status_text(review)
    async with make_app(project, "lead", review=True).run_test(size=SIZE) as pilot:
        await settle(pilot)
        marks = [row.split()[0] for row in candidate_rows(workbench(pilot))]
        assert marks == ["✓", "✓", "✓", "✗", "✓", "✗"]


async def test_an_extra_reject_after_majority_leaves_gold_alone(
    review: AnnotatorApp, project: Store, docs: tuple[str, str]
) -> None:
    _, geneva = docs
    async with review.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n", "m")  # the two spans a majority marked go into gold
        majority_gold = gold(project, geneva)
        assert len(majority_gold) == 2
        # On to the candidates still undecided (ann3's two), not onto the new gold.
        item = review_screen(review).focused_item()
        assert item is not None and item.annotators == ("ann3",)
        await pilot.press("x", "x", "x")  # one x too many
        assert gold(project, geneva) == majority_gold
        assert len(project.rejected_candidates(geneva)) == 2
        assert "Already rejected" in status_text(review)
        marks = [row.split()[0] for row in candidate_rows(review)]
        assert marks == ["✓", "✓", "✗", "✗"]


async def test_boundary_variants_show_the_edges_that_differ(
    project: Store, docs: tuple[str, str]
) -> None:
    seed, _ = docs
    united = key_of(project, seed, "United Nations Security Council members", "guarantor")
    security = key_of(project, seed, "Security Council members", "guarantor")
    async with make_app(project, "lead", review=True).run_test(size=(200, 40)) as pilot:
        await settle(pilot)
        rows = candidate_rows(workbench(pilot))
        # Same end, other starts: each row keeps its start (cut towards the shared end).
        assert "⟨United Nation" in rows[3] and "⟨Security Coun" in rows[4]
        # The status line has the room for the text beyond the disputed start.
        await focus_item(pilot, security)
        assert "United Nations ⟨Security Council members⟩  by ann2" in status_text(workbench(pilot))
        await focus_item(pilot, united)
        assert "including ⟨United Nations Security Council members⟩" in status_text(
            workbench(pilot)
        )


async def test_motions_move_a_candidate_edge_into_gold(
    review: AnnotatorApp, project: Store, docs: tuple[str, str]
) -> None:
    seed, _ = docs
    text = project.document(seed).text
    security = key_of(project, seed, "Security Council members", "guarantor")
    async with review.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = review_screen(review).view
        await focus_item(pilot, security)
        # A jump hint moves the start (the edge at the cursor) onto "United".
        await pilot.press("enter", "space")
        assert view.hints
        await pilot.press(*view.hints[text.index("United")], "enter")
        united = text.index("United Nations Security Council members")
        assert gold(project, seed) == [
            (united, security.end, "guarantor", "United Nations Security Council members")
        ]
        # A text object: the extent becomes the sentence around the cursor.
        await pilot.press("enter", "right_parenthesis", "enter")
        sentence = text.index("According to him, a group")
        stop = text.index(".", security.end) + 1
        assert gold(project, seed) == [(sentence, stop, "guarantor", text[sentence:stop])]
        assert text[sentence:stop].endswith("for Ukraine’s security.")


async def test_majority_accepts_what_more_than_half_marked_and_undo_takes_it_back(
    review: AnnotatorApp, project: Store, docs: tuple[str, str]
) -> None:
    _, geneva = docs
    async with review.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")  # the Geneva document: three annotators
        screen = review_screen(review)
        doc = open_document(review)
        assert screen.doc_id == geneva and doc.names == ["ann1", "ann2", "ann3"]
        await pilot.press("m")
        expected = majority(doc.spans_by, doc.names)
        assert [row[:3] for row in gold(project, geneva)] == expected
        assert [row[3] for row in gold(project, geneva)] == [
            "One delegate demanded",
            "observers be deployed before any troops withdraw",
        ]
        assert actors(project, geneva) == {"lead"}
        await pilot.press("m")  # nothing left to add
        assert len(gold(project, geneva)) == 2
        assert "already has every span" in status_text(review)
        await pilot.press("u")  # one span at a time
        assert [row[3] for row in gold(project, geneva)] == ["One delegate demanded"]
        await pilot.press("u")
        assert gold(project, geneva) == []
        await pilot.press("r")
        assert [row[3] for row in gold(project, geneva)] == ["One delegate demanded"]
        events = [e.action for e in project.events(geneva, GOLD)]
        assert events == ["span.add", "span.add", "undo", "undo", "redo"]
        assert actors(project, geneva) == {"lead"}


async def test_edit_label_and_boundaries_change_gold(
    review: AnnotatorApp, project: Store, docs: tuple[str, str]
) -> None:
    seed, _ = docs
    text = project.document(seed).text
    opinion = key_of(project, seed, "According to him", "opinion")
    security = key_of(project, seed, "Security Council members", "guarantor")
    async with review.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # Relabelling a candidate gold lacks stores the edited span (one event).
        await focus_item(pilot, opinion)
        await pilot.press("c")
        assert isinstance(review.screen, LabelChooserModal)
        await pilot.press("a")  # attribution, by its key
        assert gold(project, seed) == [(*opinion[:2], "attribution", "According to him")]
        # The edited span is ann1's candidate now, and in gold.
        item = review_screen(review).focused_item()
        assert item is not None and item.label == "attribution" and item.gold_id is not None
        # Relabelling a gold span updates that row.
        await pilot.press("c", "o")
        assert gold(project, seed) == [(*opinion[:2], "opinion", "According to him")]
        # Boundaries by token: the shorter guarantor grows to ann1's version...
        await focus_item(pilot, security)
        await pilot.press("[")
        assert gold(project, seed)[-1][2:] == ("guarantor", "Nations Security Council members")
        await pilot.press("[")
        united = key_of(project, seed, "United Nations Security Council members", "guarantor")
        assert gold(project, seed)[-1][:3] == united
        # ...which is ann1's candidate: the list shows it in gold, no "gold only" item.
        assert not any("gold only" in row for row in candidate_rows(review))
        # Extent editing: Enter selects the span, its start (nearer the cursor) moves a
        # token left with shift+left, and Enter puts the result in gold.
        await pilot.press("enter", "shift+left", "enter")
        start, end, label, covered = gold(project, seed)[-1]
        assert (label, covered) == (
            "guarantor",
            "including United Nations Security Council members",
        )
        assert text[start:end] == covered
        assert any("★ gold only" in row for row in candidate_rows(review))
        assert {e.action for e in project.events(seed, GOLD)} == {"span.add", "span.update"}
        assert actors(project, seed) == {"lead"}
        # Undo walks the edits back.
        await pilot.press("u")
        assert gold(project, seed)[-1][:3] == united


async def test_adjudicated_then_next_and_document_keys(
    review: AnnotatorApp, project: Store, docs: tuple[str, str]
) -> None:
    seed, geneva = docs
    async with review.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = review_screen(review)
        await pilot.press("a", "s")
        assert project.adjudicated_documents() == {seed: "lead"}
        assert screen.doc_id == geneva
        assert "previous document marked adjudicated" in status_text(review)
        queue = screen.query_one(ReviewQueue)
        assert queue.render_line(0).text.startswith("  1 ✓ ")
        assert queue.render_line(1).text.startswith("▸ 2 ○ ")
        await pilot.press("n")  # the last one: says so, stays
        assert screen.doc_id == geneva and "last document" in status_text(review)
        await pilot.press("p")
        assert screen.doc_id == seed
        # Candidates left out of an adjudicated document show as rejected.
        rows = candidate_rows(review)
        assert rows[0].startswith(" ✓") and all(row.startswith(" ✗") for row in rows[1:])
        assert "adjudicated by lead" in str(screen.query_one("#review-doc").render())
        # The document list: l moves into it, Enter opens, Esc comes back to the text.
        await pilot.press("l", "down", "enter")
        assert screen.doc_id == geneva and screen.view.has_focus
        await pilot.press("s")  # the last one left: all done, it stays
        assert set(project.adjudicated_documents()) == {seed, geneva}
        assert screen.doc_id == geneva
    # Opening the review again starts with the first document (none left to do).
    async with make_app(project, "lead", review=True).run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert review_screen(workbench(pilot)).doc_id == seed


async def test_layers_show_one_annotator_or_gold_at_a_time(
    review: AnnotatorApp, project: Store, docs: tuple[str, str]
) -> None:
    async with review.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = review_screen(review)
        await pilot.press("a")  # the demand into gold
        assert len(screen.view.index) == 6
        await pilot.press("v")
        assert open_document(review).shown_layer == "ann1" and len(screen.view.index) == 4
        assert all("ann1" in row for row in candidate_rows(review))
        await pilot.press("v")
        assert open_document(review).shown_layer == "ann2" and len(screen.view.index) == 3
        await pilot.press("v")
        assert open_document(review).shown_layer == GOLD
        assert [s.label for s in screen.view.index.spans] == ["demand"]
        await pilot.press("v")
        assert open_document(review).shown_layer is None and len(screen.view.index) == 6
        await pilot.press("V")
        assert open_document(review).shown_layer == GOLD


async def test_candidate_list_walks_the_text(
    review: AnnotatorApp, project: Store, docs: tuple[str, str]
) -> None:
    seed, _ = docs
    async with review.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = review_screen(review)
        await pilot.press("j", "down", "down")
        item = screen.focused_item()
        assert item is not None and item.label == "opinion"
        await pilot.press("escape", "a")
        assert [row[2] for row in gold(project, seed)] == ["opinion"]


async def test_help_lists_every_review_key(review: AnnotatorApp) -> None:
    async with review.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(review.screen, HelpScreen)
        text = str(review.screen.query_one("#help-text").render())
        for binding in bindings_of(ReviewScreen) + bindings_of(AnnotatorApp):
            assert binding.description in text, binding
        assert "all agree" in text and "boundary" in text
        await pilot.press("escape")
        assert isinstance(review.screen, ReviewScreen)


async def test_nothing_to_review_says_so(project: Store) -> None:
    app = make_app(project, "lead", review=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "No document has been marked done" in str(
            review_screen(app).query_one("#review-doc").render()
        )
        await pilot.press("a", "m", "s", "n", "v", "u")
        assert project.spans(project.document_ids()[0], GOLD) == []


async def test_hostile_text_is_shown_literally(project: Store) -> None:
    doc = add_doc(project, HOSTILE)
    add_spans(
        project,
        doc,
        [
            ("ann1", "[bold]not bold[/bold]", "quote"),
            ("ann2", "[bold]not bold[/bold]", "opinion"),
            ("ann1", "\x1b[31mnot red\x1b[0m", "quote"),
            ("ann2", "安保保证", "guarantor"),
        ],
    )
    finish(project, doc, "ann1", "ann2")
    app = make_app(project, "lead", review=True)
    async with app.run_test(size=(150, 36)) as pilot:  # the first row unwrapped
        await settle(pilot)
        screen = review_screen(app)
        rows = [row[3:] for row in drawn_rows(screen.view)]
        assert rows[0] == "Markup [bold]not bold[/bold] and [link=http://x]no link[/link]."
        assert rows[1] == "Escape ␛[31mnot red␛[0m, bell␇, bidi \ufffdevil\ufffd, zero\ufffdwidth."
        assert rows[3].startswith("東京会談 安保保证 then 👩\u200d👩\u200d👧 family")
        listed = candidate_rows(app)
        assert listed[0].endswith("⟨[bold]not bold[/bold]⟩")
        assert listed[2].endswith("⟨␛[31mnot red␛[0m⟩")
        assert listed[3].endswith("⟨安保保证⟩")
        assert "⟨[bold]not bold[/bold]⟩" in status_text(app)
        await pilot.press("a")
        start = HOSTILE.index("[bold]")
        assert gold(project, doc) == [(start, start + 21, "opinion", "[bold]not bold[/bold]")]
        for widget in (screen.view, screen.query_one(CandidateList)):
            for y in range(widget.size.height):
                for segment in widget.render_line(y):
                    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in segment.text)
                    assert "\u202e" not in segment.text


def test_review_screen_snapshot(snap_compare: Any, project: Store) -> None:
    dispute(project)

    async def decided(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("a", "a", "x")
        await settle(pilot)

    app = make_app(project, "lead", review=True)
    assert snap_compare(app, terminal_size=SIZE, run_before=decided)


def test_review_command_without_finished_documents_never_starts_textual(
    store: Store, tmp_path: Path
) -> None:
    probe = (
        "import sys\nfrom annotator.cli import app\n"
        "try:\n    app(sys.argv[1:])\nexcept SystemExit as exit:\n    print('EXIT', exit.code)\n"
        "print('TEXTUAL', 'textual' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, "review", "--db", str(store.path), "--as", "lead"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "nothing to review" in result.stderr
    assert "TEXTUAL False" in result.stdout
    bad = subprocess.run(
        [sys.executable, "-c", probe, "review", "--db", str(store.path), "--as", "no name!"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "EXIT 1" in bad.stdout and "lead name" in bad.stderr
