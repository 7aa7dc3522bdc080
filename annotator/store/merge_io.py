"""`annotator merge` I/O: reading the other project file and writing the merge plan.

The rules live in `annotator.merge` (pure planning, no I/O); this part turns both files
into `Snapshot`s and writes the resulting `MergePlan` in an order that keeps every
foreign key satisfied: a rewritten layer's relations go before its spans change and
come back after them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from annotator.errors import StoreError
from annotator.merge import plan_merge
from annotator.merge_records import (
    AssignmentRow,
    DocRow,
    EventRow,
    MergePlan,
    MergeReport,
    RelationRec,
    Snapshot,
    SpanRec,
)
from annotator.models import MOTION_KEYS
from annotator.scheme import parse_scheme
from annotator.store.check import check, refuse_damage
from annotator.store.connection import Connection, now
from annotator.store.merge_checks import validated
from annotator.store.migrations import LATEST, LEGACY_EVENT_UID


def read_source(path: Path) -> Snapshot:
    """Read another project file for a merge, read-only, in one read transaction.

    The file is checked first (`annotator.store.check`): a damaged one is refused with
    the report. What is merely invalid (a hand-made row) the planner reports and skips.
    """
    if not path.is_file():
        raise StoreError(f"{path}: no project here")
    db = Connection.open_read_only(path)
    try:
        db.execute("BEGIN")  # a consistent picture even while its owner keeps working
        version = db.one("PRAGMA user_version")
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        if not {"project", "events", "spans"} <= tables:
            raise StoreError(f"{path}: not an annotator project")
        if version > LATEST:
            raise StoreError(f"{path}: made by a newer annotator (schema {version} > {LATEST})")
        refuse_damage(
            check(
                db,
                lambda: parse_scheme(
                    _stored_scheme(db), f"{path} (stored scheme)", kept_keys=MOTION_KEYS
                ),
            ),
            f"{path}",
            "nothing was merged",
        )
        return snapshot(db, path.name, texts=True)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: not a readable SQLite database: {exc}") from exc
    finally:
        db.close()


RELATIONS_MIGRATION = 7
"""The migration that added the `relations` table (an older file has none)."""


def _stored_scheme(db: Connection) -> str:
    return str(db.one("SELECT value FROM project WHERE key = 'scheme'") or "")


def snapshot(conn: sqlite3.Connection | Connection, name: str, *, texts: bool) -> Snapshot:
    """Everything a merge compares, from one project connection (texts only if asked)."""
    q = conn.execute
    version = q("PRAGMA user_version").fetchone()[0]
    uid = "uid" if version >= 3 else LEGACY_EVENT_UID  # an older file is read as migrated
    text = "text" if texts else "''"
    origin = "origin" if version >= 6 else "NULL"  # spans.origin came with migration 6
    scheme = q("SELECT value FROM project WHERE key = 'scheme'").fetchone()
    spans: dict[tuple[int, str], dict[int, SpanRec]] = {}
    for doc, layer, *span in q(
        f'SELECT doc, layer, id, start, "end", label, created, updated, {origin} FROM spans '
        "ORDER BY id"
    ):
        spans.setdefault((doc, layer), {})[span[0]] = SpanRec._make(span)
    events = list(
        map(
            EventRow._make,
            q(
                f"SELECT id, action, before, after, ref, span_id, {uid}, ts, actor, doc, layer "
                "FROM events ORDER BY id"
            ),
        )
    )
    sequences = dict(q("SELECT name, seq FROM sqlite_sequence").fetchall())
    relations: dict[tuple[int, str], dict[int, RelationRec]] = {}
    highest = 0
    if version >= RELATIONS_MIGRATION:
        for doc, layer, *relation in q(
            "SELECT doc, layer, id, head, child, label, created, updated FROM relations ORDER BY id"
        ):
            relations.setdefault((doc, layer), {})[relation[0]] = RelationRec._make(relation)
            highest = max(highest, relation[0])
    return Snapshot(
        name=name,
        scheme_text=scheme[0] if scheme else "",
        documents=list(
            map(
                DocRow._make,
                q(
                    f"SELECT seq, id, text_hash, {text}, length, title, source, meta, created "
                    "FROM documents ORDER BY seq"
                ),
            )
        ),
        annotators=dict(q("SELECT name, created FROM annotators").fetchall()),
        assignments={
            (doc, annotator): AssignmentRow._make(row)
            for doc, annotator, *row in q(
                "SELECT doc, annotator, status, assigned, started, finished, seconds "
                "FROM assignments"
            )
        },
        spans=spans,
        events=events,
        span_sequence=max(
            sequences.get("spans", 0), q("SELECT coalesce(max(id), 0) FROM spans").fetchone()[0]
        ),
        event_sequence=max(sequences.get("events", 0), events[-1].id if events else 0),
        relations=relations,
        relation_sequence=max(sequences.get("relations", 0), highest),
    )


def merge(db: Connection, other: Path, *, dry_run: bool, new_uid: Callable[[], str]) -> MergeReport:
    """See `Store.merge`: plan against this file inside one write transaction, then write."""
    theirs = read_source(other)
    with db.transaction():
        here = snapshot(db, db.path.name, texts=False)
        scheme = parse_scheme(here.scheme_text, f"{db.path} (stored scheme)", kept_keys=MOTION_KEYS)
        stamp = now()
        theirs, skipped = validated(theirs, scheme, stamp)
        plan = plan_merge(here, theirs, stamp=stamp, new_uid=new_uid)
        plan.report.skipped = skipped
        if not dry_run:
            with db.transaction(subject=other, what="the merge", outcome="nothing was merged"):
                apply(db, plan)
    return plan.report


def apply(db: Connection, plan: MergePlan) -> None:
    """Write a plan: rows in an order that keeps every foreign key satisfied."""
    write = db.executemany
    write(
        "INSERT INTO documents (seq, id, text_hash, text, length, title, source, meta, created)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        plan.documents,
    )
    write("INSERT INTO annotators (name, created) VALUES (?, ?)", plan.annotators)
    write(
        "INSERT INTO events (id, action, before, after, ref, span_id, uid, ts, actor, doc, "
        "layer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        plan.events,
    )
    write("DELETE FROM relations WHERE id = ?", [(i,) for i in plan.relation_deletes])
    write("DELETE FROM spans WHERE id = ?", [(span_id,) for span_id in plan.span_deletes])
    write(
        'INSERT INTO spans (id, doc, layer, start, "end", label, created, updated, origin) '
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(i, doc, layer, *span[1:]) for i, doc, layer, span in plan.span_inserts],
    )
    write(
        "INSERT INTO relations (id, doc, layer, head, child, label, created, updated) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(i, doc, layer, *relation[1:]) for i, doc, layer, relation in plan.relation_inserts],
    )
    # Ids handed to spans (relations) that only live in copied events (added, then
    # deleted) must never be handed out again: undo would bring them back under them.
    for table, highest in (("spans", plan.span_sequence), ("relations", plan.relation_sequence)):
        if highest is None:
            continue
        cursor = db.execute(
            "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?", (highest, table)
        )
        if not cursor.rowcount:
            db.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, highest))
    write(
        "INSERT INTO assignments (doc, annotator, status, assigned, started, finished, "
        "seconds) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(doc, annotator, *row) for doc, annotator, row in plan.assignment_inserts],
    )
    write(
        "UPDATE assignments SET status = ?, assigned = ?, started = ?, finished = ?, "
        "seconds = ? WHERE doc = ? AND annotator = ?",
        [(*row, doc, annotator) for doc, annotator, row in plan.assignment_updates],
    )
