"""`annotator backup`: one consistent copy of the project, renamed into place when sound."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from annotator.errors import StoreError
from annotator.outputs import OutputKind, resolve_output
from annotator.store.connection import Connection


def backup(db: Connection, target: Path, *, overwrite: bool) -> int:
    """Copy the project to `target` as one consistent snapshot; returns its size in bytes.

    SQLite's online backup API, in one step: that step reads inside one transaction,
    so the copy is the project as of one commit, while annotators go on writing (in WAL
    mode readers never block writers). The copy is written beside `target`, checked,
    switched out of WAL into a single self-contained file, and only then renamed into
    place: an interrupted backup never leaves a half copy under the target's name.
    """
    output = resolve_output(target, protect=[db.path])
    if output.kind is not OutputKind.FILE:
        raise StoreError(f"{target}: a backup is a database file; name a file to write")
    if output.path.exists() and not overwrite:
        raise StoreError(f"{target}: already exists (use --force to replace it)")
    target = output.path  # a symlink is followed: the file it names is replaced
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.{os.getpid()}.partial")
    temp.unlink(missing_ok=True)
    copy = sqlite3.connect(str(temp), isolation_level=None)
    try:
        db.backup_to(copy)
        copy.execute("PRAGMA journal_mode = DELETE")
        verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise StoreError(f"{target}: the copy failed its integrity check: {verdict}")
        copy.close()
        with temp.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        copy.close()
        temp.unlink(missing_ok=True)
        raise
    return target.stat().st_size
