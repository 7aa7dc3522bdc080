"""Shared fixtures: real project files in a temp folder, the default scheme, the corpus."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from annotator.scheme import load_scheme
from annotator.store import Store

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
SEED = CORPUS / "01-lavrov-neutral-ukraine.txt"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs in its own folder, with no project database from the environment."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ANNOTATOR_DB", raising=False)


@pytest.fixture
def scheme_text() -> str:
    return load_scheme()[1]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "project.db"


@pytest.fixture
def store(db_path: Path, scheme_text: str) -> Iterator[Store]:
    """A new, empty project with the default scheme."""
    with Store.create(db_path, scheme_text, "builtin:negotiation-v2") as created:
        yield created


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def _dump(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


@pytest.fixture
def dump_db() -> Callable[[Path], list[str]]:
    """Everything a project file holds, as SQL: equal dumps mean an unchanged database."""
    return _dump
