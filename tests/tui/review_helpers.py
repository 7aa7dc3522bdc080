"""A project the review has work in: annotators who disagree, and what the tests look at."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from tui_helpers import workbench

from annotator.adjudicate import ReviewItem
from annotator.models import GOLD, SpanKey, Status
from annotator.store import Store
from annotator.tui.app import AnnotatorApp
from annotator.tui.review_document import ReviewDocument
from annotator.tui.screens.review import ReviewScreen
from annotator.tui.widgets.candidate_list import CandidateList

# (annotator, covered text, label) on the seed article: one span all agree on, a label
# difference, a boundary difference, and a span only one annotator marked.
SEED_SPANS = [
    ("ann1", "Kyiv must abandon ambitions of joining the Western alliance", "demand"),
    ("ann2", "Kyiv must abandon ambitions of joining the Western alliance", "demand"),
    ("ann1", "According to him", "attribution"),
    ("ann2", "According to him", "opinion"),
    ("ann1", "United Nations Security Council members", "guarantor"),
    ("ann2", "Security Council members", "guarantor"),
    ("ann1", "Germany and Turkey", "guarantor"),
]
# The Geneva document: three annotators; two of them agree on a span the third lacks.
GENEVA_SPANS = [
    *((name, "One delegate demanded", "attribution") for name in ("ann1", "ann2", "ann3")),
    ("ann1", "observers be deployed before any troops withdraw", "demand"),
    ("ann2", "observers be deployed before any troops withdraw", "demand"),
    ("ann3", "observers be deployed", "demand"),
    ("ann3", "a trap dressed as a compromise", "opinion"),
]


def add_spans(store: Store, doc_id: str, spans: list[tuple[str, str, str]]) -> None:
    text = store.document(doc_id).text
    for name, covered, label in spans:
        start = text.index(covered)
        store.add_span(doc_id, name, start, start + len(covered), label)


def finish(store: Store, doc_id: str, *names: str) -> None:
    for name in names:
        store.set_status(doc_id, name, Status.DONE)


def dispute(project: Store) -> tuple[str, str]:
    """Spans on the seed article (ann1, ann2) and Geneva (ann1-3), all done: their ids."""
    seed, geneva = project.document_ids()[:2]
    add_spans(project, seed, SEED_SPANS)
    add_spans(project, geneva, GENEVA_SPANS)
    finish(project, seed, "ann1", "ann2")
    finish(project, geneva, "ann1", "ann2", "ann3")
    return seed, geneva


def gold(store: Store, doc_id: str) -> list[tuple[int, int, str, str]]:
    """The gold rows of a document as `(start, end, label, text)`."""
    text = store.document(doc_id).text
    return [(s.start, s.end, s.label, text[s.start : s.end]) for s in store.spans(doc_id, GOLD)]


def key_of(store: Store, doc_id: str, covered: str, label: str) -> SpanKey:
    start = store.document(doc_id).text.index(covered)
    return SpanKey(start, start + len(covered), label)


def review_screen(app: AnnotatorApp) -> ReviewScreen:
    screen = app.screen
    assert isinstance(screen, ReviewScreen), screen
    return screen


def open_document(app: AnnotatorApp) -> ReviewDocument:
    """The document the review has open (a new one after every reload)."""
    doc = review_screen(app).doc
    assert doc is not None
    return doc


async def settle(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def focus_item(pilot: Pilot[None], key: SpanKey) -> ReviewItem:
    """Tab through the candidates (as the lead would) until the one with `key` is focused."""
    screen = review_screen(workbench(pilot))
    for _ in range(len(open_document(workbench(pilot)).shown) + 1):
        item = screen.focused_item()
        if item is not None and item.key == key:
            return item
        await pilot.press("tab")
    shown = open_document(workbench(pilot)).shown
    raise AssertionError(f"no candidate {key} among {[i.key for i in shown]}")


def candidate_rows(app: AnnotatorApp) -> list[str]:
    """The candidate list as drawn."""
    listing = review_screen(app).query_one(CandidateList)
    return [listing.render_line(y).text.rstrip() for y in range(listing.count)]


def actors(store: Store, doc_id: str) -> set[str]:
    """Who wrote the gold layer's span events of a document."""
    return {
        event.actor
        for event in store.events(doc_id, GOLD)
        if event.action.startswith("span.") or event.action in ("undo", "redo")
    }
