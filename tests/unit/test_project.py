"""Creating projects: one function for init, the first import, and the demo's sample project."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from annotator.cli import app
from annotator.errors import SchemeError, StoreError
from annotator.project import create_project, ensure_project
from annotator.sample import open_sample_project, sample_corpus_files
from annotator.scheme import load_scheme
from annotator.store import Store


def _custom_scheme(tmp_path: Path) -> Path:
    path = tmp_path / "mine-v2.toml"
    text = load_scheme()[1]
    path.write_text(text.replace('name = "negotiation"', 'name = "mine"', 1), "utf-8")
    return path


def test_the_bundled_scheme_is_stored_verbatim_with_a_builtin_source(db_path: Path) -> None:
    scheme = create_project(db_path)
    parsed, text = load_scheme()
    assert scheme.qualified_name == parsed.qualified_name
    with Store.open(db_path) as store:
        assert store.scheme_text == text
        assert store.meta("scheme_source") == f"builtin:{parsed.qualified_name}"
        assert store.document_ids() == []


def test_a_scheme_file_is_stored_with_its_path(db_path: Path, tmp_path: Path) -> None:
    path = _custom_scheme(tmp_path)
    scheme = create_project(db_path, path)
    with Store.open(db_path) as store:
        assert store.scheme_text == path.read_text("utf-8")
        assert store.meta("scheme_source") == str(path)
        assert store.scheme.qualified_name == scheme.qualified_name


def test_an_existing_project_is_never_replaced(db_path: Path, tmp_path: Path) -> None:
    create_project(db_path)
    before = db_path.read_bytes()
    with pytest.raises(StoreError, match="already exists"):
        create_project(db_path)
    assert ensure_project(db_path, _custom_scheme(tmp_path)) is None
    assert db_path.read_bytes() == before


def test_a_bad_scheme_creates_nothing(db_path: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("not = [toml", "utf-8")
    with pytest.raises(SchemeError, match=r"bad\.toml"):
        ensure_project(db_path, bad)
    assert not db_path.exists()


def test_the_sample_project_is_created_once_and_imported_idempotently(db_path: Path) -> None:
    first = open_sample_project(db_path)
    try:
        assert first.created is not None
        assert first.created.qualified_name == load_scheme()[0].qualified_name
        assert first.added == len(sample_corpus_files()) > 0
        ids = first.store.document_ids()
    finally:
        first.store.close()
    again = open_sample_project(db_path)
    try:
        assert again.created is None
        assert again.added == 0
        assert again.store.document_ids() == ids
    finally:
        again.store.close()


def test_init_and_first_import_create_the_same_project(tmp_path: Path) -> None:
    scheme = _custom_scheme(tmp_path)
    runner = CliRunner()
    by_init = runner.invoke(app, ["init", "--db", str(tmp_path / "a.db"), "--scheme", str(scheme)])
    assert by_init.exit_code == 0, by_init.stderr
    assert "created" in by_init.stderr and "mine" in by_init.stderr
    sample = sample_corpus_files()[0]
    args = ["import", "--db", str(tmp_path / "b.db"), "--scheme", str(scheme), str(sample)]
    by_import = runner.invoke(app, args)
    assert by_import.exit_code == 0, by_import.stderr
    assert "created" in by_import.stderr
    with Store.open(tmp_path / "a.db") as a, Store.open(tmp_path / "b.db") as b:
        assert a.scheme_text == b.scheme_text
        assert a.meta("scheme_source") == b.meta("scheme_source") == str(scheme)
