"""Opening a document with suggestions: the first paint never waits for them; a document
without any gets the quick sources computed in a worker; without spaCy the workbench
still works and says so once; marking documents done retrains in the background.

Real projects, real spaCy, real processes: the computed suggestions are read back from
the store, the training is a real `annotator train` started by the app (and stopped here).
"""

from __future__ import annotations

import json
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

import pytest
from suggestion_helpers import QUOTE, bunched, ghosts, settled
from tui_helpers import SIZE, document_view, drawn_rows, open_doc

from annotator.models import Status
from annotator.scheme import load_scheme
from annotator.store import Store
from annotator.suggest import Source
from annotator.suggest.retrain import RETRAIN_STATE, log_path
from annotator.suggest.training_lock import is_training
from annotator.tui import make_app
from tests.unit.training_corpus import corpus


async def test_the_first_paint_does_not_wait_for_suggestions_computed_in_a_worker(
    project: Store, seed_id: str
) -> None:
    # Already started, so opening it writes nothing on the UI thread.
    project.set_status(seed_id, "alice", Status.IN_PROGRESS)
    app = make_app(project, "alice", suggest=True)
    async with app.run_test(size=SIZE) as pilot:
        with closing(sqlite3.connect(project.path)) as other:
            # Another process is writing: the worker that stores suggestions must wait.
            other.execute("BEGIN IMMEDIATE")
            view = await open_doc(pilot, seed_id)
            await pilot.pause()
            assert drawn_rows(view)[0].strip().startswith("Lavrov rejects NATO path")
            assert ghosts(view) == []
            assert any(w.group == "suggestions" and w.is_running for w in app.workers)
            other.rollback()
        await settled(pilot)
        # The default patterns, matched by spaCy in the worker, stored and drawn.
        shown = ghosts(view)
        assert (QUOTE, "quote") in shown
        assert ("According to him", "attribution") in shown
        stored = project.suggestions.stored(seed_id)
        assert {s.source for s in stored} == {Source.PATTERNS}
        assert len(stored) == len(shown)
        await bunched(pilot, "greater_than_sign", "Y")
        assert [s.origin for s in project.spans(seed_id, "alice")] == ["patterns"]


async def test_stored_suggestions_are_not_computed_again(project: Store, seed_id: str) -> None:
    app = make_app(project, "alice", suggest=True)
    async with app.run_test(size=SIZE) as pilot:
        await open_doc(pilot, seed_id)
        await settled(pilot)
        first = project.suggestions.stored(seed_id)
        await bunched(pilot, "n", "p")
        await settled(pilot)
        assert project.suggestions.stored(seed_id) == first  # same rows, same ids


async def test_without_compute_only_what_is_stored_is_shown(project: Store, seed_id: str) -> None:
    app = make_app(project, "alice")  # as the tests and benches build it by default
    async with app.run_test(size=SIZE) as pilot:
        view = await open_doc(pilot, seed_id)
        await settled(pilot)
        assert ghosts(view) == []
        assert project.suggestions.stored(seed_id) == []


async def test_without_spacy_the_workbench_works_and_says_so_once(
    project: Store, seed_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "spacy", None)  # as if it were not installed
    text = project.document(seed_id).text
    other = project.queue("alice")[1].doc_id
    start = text.index("Security Council")
    project.add_span(seed_id, "bob", start, start + len("Security Council"), "guarantor")
    app = make_app(project, "alice", suggest=True)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_doc(pilot, seed_id)
        await settled(pilot)
        # The lexicon needs no spaCy: what bob labelled is proposed where it recurs.
        assert ghosts(view) == [("Security Council", "guarantor")]
        await open_doc(pilot, other)
        await settled(pilot)
        notes = [n.message for n in app._notifications if n.title == "Suggestions"]
        assert len(notes) == 1
        assert "spaCy" in notes[0] and "pip install 'annotator[suggest]'" in notes[0]
        await bunched(pilot, "d")  # labelling works as ever
        assert len(project.spans(other, "alice")) == 1


async def test_marking_the_tenth_document_done_starts_a_training_in_the_background(
    tmp_path: Path,
) -> None:
    db = tmp_path / "p.db"
    with Store.create(db, load_scheme()[1], "builtin:negotiation-v2") as made:
        made.import_documents(corpus(12, layer="alice"))
    store = Store.open(db)
    try:
        ids = store.document_ids()
        for doc_id in ids[:9]:
            store.set_status(doc_id, "alice", Status.DONE)
        app = make_app(store, "alice", open_doc=ids[9], suggest=True)
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot)
            view = document_view(app)
            await bunched(pilot, "s")
            await settled(pilot)
            assert view.text == store.document(ids[10]).text  # moved on at once
            training = app.suggesting.training
            assert training is not None
            try:
                state = json.loads((tmp_path / "p.models" / RETRAIN_STATE).read_text())
                assert state["done"] == 10
                assert log_path(db).exists()
                assert training.poll() is None or training.returncode == 0
            finally:
                training.kill()
                training.wait(timeout=60)
            assert not is_training(tmp_path / "p.models")
            # Nine more are needed before the next one starts.
            await bunched(pilot, "s")
            await settled(pilot)
            assert app.suggesting.training is training
    finally:
        store.close()
