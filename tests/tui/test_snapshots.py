"""Snapshots of the key screens at a fixed terminal size (`pytest --snapshot-update`)."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from tui_helpers import HOSTILE, SIZE, add_doc

from annotator.models import Status
from annotator.store import Store
from annotator.tui import make_app

SEED_SPANS = [
    ("Kyiv must abandon ambitions of joining the Western alliance", "demand"),
    ("According to him", "attribution"),
    ("United Nations Security Council members", "guarantor"),
    (
        "“And the guarantors would be guaranteeing the security of Ukraine, which must be "
        "neutral, which must be non-aligned with any military bloc and which must be "
        "non-nuclear,”",
        "quote",
    ),
    (
        "must be neutral, which must be non-aligned with any military bloc and which must "
        "be non-nuclear",
        "demand",
    ),
    ("he said, according to a transcript released by Russia’s foreign ministry", "attribution"),
]


def annotated(store: Store, doc_id: str) -> None:
    text = store.document(doc_id).text
    for covered, label in SEED_SPANS:
        start = text.index(covered)
        store.add_span(doc_id, "alice", start, start + len(covered), label)


async def settle(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_queue_screen(snap_compare: Any, project: Store) -> None:
    first, second = (item.doc_id for item in project.queue("alice", limit=2))
    project.set_status(first, "alice", Status.DONE)
    project.set_status(second, "alice", Status.IN_PROGRESS)

    async def back_to_the_queue(pilot: Pilot[Any]) -> None:
        await settle(pilot)  # the workbench reopens on the document in progress
        await pilot.press("l")
        await settle(pilot)

    app = make_app(project, "alice")
    assert snap_compare(app, terminal_size=SIZE, run_before=back_to_the_queue)


def test_annotate_screen_with_nested_spans(snap_compare: Any, project: Store, seed_id: str) -> None:
    annotated(project, seed_id)
    text = project.document(seed_id).text

    async def on_the_inner_demand(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        view = pilot.app.screen.query_one("DocumentView")
        view.move_to(text.index("non-aligned"))  # type: ignore[attr-defined]
        await pilot.press("shift+right", "shift+right")
        await settle(pilot)

    app = make_app(project, "alice", open_doc=seed_id)
    assert snap_compare(app, terminal_size=SIZE, run_before=on_the_inner_demand)


def test_annotate_screen_with_hostile_text(snap_compare: Any, store: Store) -> None:
    doc = add_doc(store, HOSTILE)
    text = HOSTILE
    start = text.index("安保保证")
    store.add_span(doc, "alice", start, start + 4, "guarantor")
    store.add_span(doc, "alice", text.index("not red"), text.index("not red") + 7, "quote")
    app = make_app(store, "alice", open_doc=doc)
    assert snap_compare(app, terminal_size=SIZE, press=["down", "down", "down"], run_before=settle)


def test_help_screen(snap_compare: Any, project: Store, seed_id: str) -> None:
    app = make_app(project, "alice", open_doc=seed_id)
    assert snap_compare(app, terminal_size=SIZE, press=["question_mark"], run_before=settle)
