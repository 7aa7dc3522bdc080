"""`annotator backup`: a consistent copy while annotators keep writing."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from annotator.cli import app
from annotator.store import NewDocument, Store

WRITER = Path(__file__).with_name("writer_process.py")


def _project(db: Path, scheme_text: str) -> None:
    with Store.create(db, scheme_text, "builtin:negotiation-v2") as store, store.transaction():
        store.import_documents(
            [NewDocument(text=f"Round {n}. " + "Both sides met again. " * 40) for n in range(3)]
        )


def _consistent(copy: Path) -> int:
    """The copy is one commit's state: spans and the log that made them agree exactly."""
    connection = sqlite3.connect(copy)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        per_layer = dict(connection.execute("SELECT layer, count(*) FROM spans GROUP BY layer"))
        logged = dict(
            connection.execute(
                "SELECT layer, sum(CASE action WHEN 'span.add' THEN 1 ELSE -1 END) FROM events "
                "WHERE action IN ('span.add', 'span.delete') GROUP BY layer"
            )
        )
        assert per_layer == {layer: n for layer, n in logged.items() if n}
        return connection.execute("SELECT count(*) FROM events").fetchone()[0]
    finally:
        connection.close()


def test_backups_taken_during_writes_are_consistent(tmp_path: Path, scheme_text: str) -> None:
    db = tmp_path / "shared.db"
    _project(db, scheme_text)
    start_flag = tmp_path / "go"
    writers = [
        subprocess.Popen(
            [
                sys.executable,
                str(WRITER),
                str(db),
                f"w{n}",
                "400",
                str(tmp_path / f"w{n}"),
                str(start_flag),
            ]
        )
        for n in range(4)
    ]
    start_flag.touch()
    sizes: list[int] = []  # events in each copy
    with Store.open(db) as store:
        while any(writer.poll() is None for writer in writers) or len(sizes) < 3:
            copy = tmp_path / f"copy{len(sizes)}.db"
            store.backup(copy)
            sizes.append(_consistent(copy))
            assert not list(tmp_path.glob(".copy*"))  # no partial file left beside it
    assert [writer.wait(timeout=120) for writer in writers] == [0] * 4
    assert sizes == sorted(sizes)  # a later copy never holds less of the log
    assert sizes[-1] > sizes[0]  # and the copies were taken while the writers were writing
    with Store.open(tmp_path / f"copy{len(sizes) - 1}.db") as restored:
        assert len(restored.document_ids()) == 3


def test_backup_command(tmp_path: Path, scheme_text: str) -> None:
    db = tmp_path / "p.db"
    _project(db, scheme_text)
    runner = CliRunner()
    result = runner.invoke(app, ["backup", "backups/p-copy.db", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert _consistent(Path("backups/p-copy.db")) == 1  # the project's creation
    again = runner.invoke(app, ["backup", "backups/p-copy.db", "--db", str(db)])
    assert again.exit_code == 1
    assert "already exists" in again.output
    forced = runner.invoke(app, ["backup", "backups/p-copy.db", "--db", str(db), "--force"])
    assert forced.exit_code == 0
    itself = runner.invoke(app, ["backup", str(db), "--db", str(db), "--force"])
    assert itself.exit_code == 1
    assert "the project itself" in itself.output
