"""`annotator merge` of a hand-made file: every incoming row is checked as an import is.

The other file is a real project file with rows written into it by hand (sqlite3, as a
script or an editor would): spans past the end of their text, a label outside the
scheme, a layer name carrying terminal escapes, its own scheme change and creation.
The merge must report and skip those, store only what an import would store, and copy
no event that belongs to the other project alone.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from annotator.cli import app
from annotator.models import EventAction
from annotator.store import NewDocument, Store

runner = CliRunner()
TEXT = "Kyiv must abandon ambitions of joining the alliance, Moscow insisted."
EVIL = "eve\x1b]0;owned\x07\x1b[2J"


def make(path: Path, scheme_text: str, source: str) -> str:
    with Store.create(path, scheme_text, source) as store:
        store.import_documents([NewDocument(text=TEXT)])
        return store.document_ids()[0]


def hand_edit(path: Path, scheme_text: str) -> None:
    """Rows no store would write: straight into the file."""
    conn = sqlite3.connect(path)
    span = 'INSERT INTO spans (doc, layer, start, "end", label, created, updated) VALUES '
    conn.execute(span + "(1, 'alice', 60, 500, 'quote', 'x', 'x')")
    conn.execute(span + "(1, 'alice', 0, 4, 'nonsense', 'x', 'x')")
    conn.execute(span + "(1, ?, 0, 4, 'quote', 'x', 'x')", (EVIL,))
    conn.execute(span + "(1, 'alice', 5, 9, 'quote', 'x', 'x')")  # the one good row
    conn.execute("INSERT INTO annotators (name, created) VALUES (?, 'x')", (EVIL,))
    event = (
        "INSERT INTO events (ts, actor, action, doc, layer, span_id, before, after) "
        "VALUES ('2030-01-01', 'x', ?, ?, ?, ?, NULL, ?)"
    )
    conn.execute(
        event,
        ("span.add", 1, "alice", 1, '{"id": 1, "start": 60, "end": 500, "label": "quote"}'),
    )
    conn.execute(
        event,
        (
            EventAction.SCHEME_UPDATE.value,
            None,
            None,
            None,
            '{"scheme": "negotiation-v1", "renames": {"quote": "demand"}}',
        ),
    )
    conn.commit()
    conn.close()


def test_merge_skips_what_an_import_refuses(tmp_path: Path, scheme_text: str) -> None:
    here, other = tmp_path / "here.db", tmp_path / "other.db"
    doc = make(here, scheme_text, "builtin:negotiation-v2")
    make(other, scheme_text, "elsewhere.toml")  # another project: its own creation event
    hand_edit(other, scheme_text)
    result = runner.invoke(app, ["merge", str(other), "--db", str(here)])
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    assert "\x1b" not in result.stdout + result.stderr
    skipped = [line for line in result.stderr.splitlines() if "skipped" in line]
    assert any("60-500 is outside the text (0-69)" in line for line in skipped), skipped
    assert any("'nonsense' is not in this project's scheme" in line for line in skipped)
    assert any("not a valid annotator name" in line for line in skipped), skipped
    with Store.open(here) as store:
        assert [(s.layer, s.start, s.end, s.label) for s in store.spans(doc)] == [
            ("alice", 5, 9, "quote")
        ]
        assert set(store.span_counts_by_layer()) == {"alice"}
        actions = [event.action for event in store.events()]
        assert actions.count(EventAction.PROJECT_CREATE) == 1
        assert EventAction.SCHEME_UPDATE not in actions  # its renames are not ours
        assert not [e for e in store.events(doc, "alice") if e.action == "span.add"]
        assert store.check() == []
    agreement = runner.invoke(app, ["agreement", "--db", str(here)])
    assert "\x1b" not in agreement.stdout + agreement.stderr


def test_undo_after_a_validated_merge_stays_in_the_scheme(tmp_path: Path, scheme_text: str) -> None:
    """The other file's scheme rename is not replayed here: quote stays quote."""
    here, other = tmp_path / "here.db", tmp_path / "other.db"
    doc = make(here, scheme_text, "builtin:negotiation-v2")
    with Store.open(here) as store:
        store.add_span(doc, "bob", 10, 17, "quote")
    make(other, scheme_text, "elsewhere.toml")
    hand_edit(other, scheme_text)
    with Store.open(here) as store:
        store.merge(other)
        store.undo(doc, "bob")
        assert store.spans(doc, "bob") == []
        store.redo(doc, "bob")
        assert [s.label for s in store.spans(doc, "bob")] == ["quote"]
