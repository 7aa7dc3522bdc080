"""Fixtures for the workbench tests: a project holding the sample corpus, and the app."""

from __future__ import annotations

import pytest
from terminals import set_terminal

from annotator.sample import sample_corpus_files
from annotator.store import NewDocument, Store
from annotator.tui import make_app
from annotator.tui.app import AnnotatorApp


@pytest.fixture(autouse=True)
def _truecolor_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The workbench's colours depend on the terminal's colour system (label tints are
    chosen from its palette): every test runs in a truecolor terminal unless it asks for
    another (`terminals.set_terminal`), whatever terminal runs the tests."""
    set_terminal(monkeypatch, "truecolor")


@pytest.fixture
def project(store: Store) -> Store:
    """The default scheme and the five sample documents, in their stable order."""
    with store.transaction():
        store.import_documents(
            [
                NewDocument(text=path.read_bytes().decode("utf-8-sig"), source=path.name)
                for path in sample_corpus_files()
            ]
        )
    return store


@pytest.fixture
def seed_id(project: Store) -> str:
    """The seed article: the first document of the queue."""
    return project.queue("alice")[0].doc_id


@pytest.fixture
def app(project: Store) -> AnnotatorApp:
    """The workbench on the sample project, as alice, on the queue screen."""
    return make_app(project, "alice")
