"""`annotator check` on real project files: sound ones pass, each kind of damage is named.

The bad rows are written straight into the file with sqlite3, as a hand-edited or
half-restored file would hold them: the store itself refuses to write any of them.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from scheme_texts import rename_label
from typer.testing import CliRunner

from annotator.cli import app
from annotator.store import NewDocument, Store

runner = CliRunner()
TEXT = "Kyiv must abandon ambitions of joining the alliance, Moscow insisted."


def project(path: Path, scheme_text: str) -> Path:
    with Store.create(path, scheme_text, "builtin:negotiation-v2") as store:
        store.import_documents(
            [NewDocument(text=TEXT, spans=[("carol", 0, 4, "guarantor")])]
        )  # an imported span: no event speaks for it, and none needs to
        doc = store.document_ids()[0]
        span = store.add_span(doc, "alice", 0, 17, "demand")
        assert span.id is not None
        store.update_span(span.id, end=26)
        gone = store.add_span(doc, "alice", 53, 59, "guarantor")
        assert gone.id is not None
        store.delete_span(gone.id)
        store.add_span(doc, "bob", 0, 4, "guarantor")
        store.undo(doc, "bob")
    return path


def raw(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = OFF")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def problems(path: Path) -> list[str]:
    with Store.open(path) as store:
        return [problem.message for problem in store.check()]


def test_a_sound_project_has_no_problems(db_path: Path, scheme_text: str) -> None:
    project(db_path, scheme_text)
    assert problems(db_path) == []
    result = runner.invoke(app, ["check", "--db", str(db_path)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "ok" in result.stderr


def test_spans_outside_their_text_or_the_scheme_are_named(db_path: Path, scheme_text: str) -> None:
    project(db_path, scheme_text)
    raw(
        db_path,
        'INSERT INTO spans (doc, layer, start, "end", label, created, updated) '
        "VALUES (1, 'carol', 60, 500, 'quote', 'x', 'x')",
        'INSERT INTO spans (doc, layer, start, "end", label, created, updated) '
        "VALUES (1, 'carol', 0, 3, 'nonsense', 'x', 'x')",
        'INSERT INTO spans (doc, layer, start, "end", label, created, updated) '
        "VALUES (1, 'bad\x1b[31mname', 0, 3, 'quote', 'x', 'x')",
    )
    found = problems(db_path)
    assert any("60-500" in p and "outside the text (0-69)" in p for p in found), found
    assert any("'nonsense' is not in the scheme" in p for p in found), found
    assert any("'bad\\x1b[31mname'" in p for p in found), found
    result = runner.invoke(app, ["check", "--db", str(db_path)])
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr  # names are shown inert
    assert "3 problems found" in result.stderr


def test_a_log_that_disagrees_with_the_spans_is_named(db_path: Path, scheme_text: str) -> None:
    project(db_path, scheme_text)
    raw(
        db_path,
        "UPDATE spans SET \"end\" = 20 WHERE layer = 'alice'",  # the log says 0-26
        # the log says the bob span was undone (removed): bring it back by hand
        'INSERT INTO spans (id, doc, layer, start, "end", label, created, updated) '
        "SELECT span_id, doc, layer, 0, 4, 'guarantor', 'x', 'x' FROM events "
        "WHERE layer = 'bob' AND action = 'span.add'",
    )
    found = problems(db_path)
    assert any("the log says 0-26 demand, the span is 0-20 demand" in p for p in found), found
    assert any("the log says it was removed, the span is there 0-4" in p for p in found), found


def test_a_broken_foreign_key_is_damage(db_path: Path, scheme_text: str) -> None:
    project(db_path, scheme_text)
    raw(
        db_path,
        "INSERT INTO assignments (doc, annotator, assigned) VALUES (99, 'nobody', 'x')",
    )
    with Store.open(db_path) as store:
        found = store.check()
    assert [p.damage for p in found] == [True, True], found
    assert "assignments row" in found[0].message


def test_a_rename_keeps_the_log_consistent(db_path: Path, scheme_text: str) -> None:
    project(db_path, scheme_text)
    with Store.open(db_path) as store:
        store.update_scheme(rename_label(scheme_text, "demand", "claim"), "v2", {"demand": "claim"})
        assert store.check() == []
        doc = store.document_ids()[0]
        store.undo(doc, "alice")  # the delete of the guarantor span
        store.undo(doc, "alice")  # the move of the (now) claim span
        assert store.check() == []
