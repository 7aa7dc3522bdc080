"""Append-only, numbered schema migrations, tracked in SQLite's `user_version`.

Never edit a released migration: add the next number. `migrate` runs them inside the
transaction the store opens, so a project file is either at the old or at the new version.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from annotator.errors import StoreError

if TYPE_CHECKING:
    from annotator.store.connection import Connection

LEGACY_EVENT_UID = "'legacy:' || id || ':' || ts || ':' || actor || ':' || action"
"""The uid of an event written before migration 3, from the row itself (SQL expression).

The merge computes the same for a project file still at an older version, which it reads
without migrating it.
"""

MIGRATIONS: tuple[tuple[int, str], ...] = (
    (
        1,
        """
        CREATE TABLE project (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        -- `seq` (the rowid) is insertion order: exports follow it, other tables refer
        -- to it because an integer key keeps the span table small and its index fast.
        CREATE TABLE documents (
            seq       INTEGER PRIMARY KEY,
            id        TEXT NOT NULL UNIQUE,
            text_hash TEXT NOT NULL UNIQUE,
            text      TEXT NOT NULL,
            length    INTEGER NOT NULL,
            title     TEXT NOT NULL,
            source    TEXT,
            meta      TEXT NOT NULL DEFAULT '{}',
            created   TEXT NOT NULL
        );
        CREATE TABLE annotators (
            name    TEXT PRIMARY KEY,
            created TEXT NOT NULL
        );
        CREATE TABLE assignments (
            doc       INTEGER NOT NULL REFERENCES documents(seq),
            annotator TEXT NOT NULL REFERENCES annotators(name),
            status    TEXT NOT NULL DEFAULT 'todo'
                      CHECK (status IN ('todo', 'in-progress', 'done', 'skipped')),
            assigned  TEXT NOT NULL,
            started   TEXT,
            finished  TEXT,
            seconds   REAL NOT NULL DEFAULT 0,
            PRIMARY KEY (doc, annotator)
        );
        CREATE INDEX assignments_by_annotator ON assignments (annotator, status);
        CREATE TABLE spans (
            id      INTEGER PRIMARY KEY AUTOINCREMENT,
            doc     INTEGER NOT NULL REFERENCES documents(seq),
            layer   TEXT NOT NULL,
            start   INTEGER NOT NULL CHECK (start >= 0),
            "end"   INTEGER NOT NULL CHECK ("end" > start),
            label   TEXT NOT NULL,
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            UNIQUE (doc, layer, start, "end", label)
        );
        CREATE TABLE events (
            id      INTEGER PRIMARY KEY AUTOINCREMENT,
            ts      TEXT NOT NULL,
            actor   TEXT NOT NULL,
            action  TEXT NOT NULL,
            doc     INTEGER REFERENCES documents(seq),
            layer   TEXT,
            span_id INTEGER,
            before  TEXT,
            after   TEXT,
            ref     INTEGER REFERENCES events(id)
        );
        CREATE INDEX events_by_layer ON events (doc, layer, id);
        -- The log is append-only: the database itself refuses edits and deletions.
        CREATE TRIGGER events_no_update BEFORE UPDATE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
        CREATE TRIGGER events_no_delete BEFORE DELETE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
        """,
    ),
    (
        2,
        """
        -- Whether a lead ever assigned documents to an annotator decides what the
        -- annotator's queue holds; this keeps that question one index probe.
        CREATE INDEX events_by_action ON events (action, layer);
        """,
    ),
    (
        3,
        f"""
        -- Events get an identity that survives copying the file (`annotator merge`):
        -- a random uid for new rows; for older rows a value computed from the row
        -- itself, so two copies of one older project give their shared rows equal uids.
        -- ALTER TABLE cannot add a column with a random default, hence the rebuild.
        CREATE TABLE events_v3 (
            id      INTEGER PRIMARY KEY AUTOINCREMENT,
            ts      TEXT NOT NULL,
            actor   TEXT NOT NULL,
            action  TEXT NOT NULL,
            doc     INTEGER REFERENCES documents(seq),
            layer   TEXT,
            span_id INTEGER,
            before  TEXT,
            after   TEXT,
            ref     INTEGER REFERENCES events_v3(id),
            uid     TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16))))
        );
        INSERT INTO events_v3 (id, ts, actor, action, doc, layer, span_id, before, after, ref, uid)
            SELECT id, ts, actor, action, doc, layer, span_id, before, after, ref,
                   {LEGACY_EVENT_UID}
            FROM events ORDER BY id;
        DROP TABLE events;
        ALTER TABLE events_v3 RENAME TO events;
        CREATE INDEX events_by_layer ON events (doc, layer, id);
        CREATE INDEX events_by_action ON events (action, layer);
        CREATE TRIGGER events_no_update BEFORE UPDATE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
        CREATE TRIGGER events_no_delete BEFORE DELETE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
        """,
    ),
    (
        4,
        """
        -- `annotator serve`: one access token per person, kept only as its SHA-256
        -- (store/tokens.py says why that hash). `lead` opens the review, else the
        -- person's own queue. Not merged: access belongs to one project file.
        CREATE TABLE tokens (
            name    TEXT PRIMARY KEY,
            lead    INTEGER NOT NULL CHECK (lead IN (0, 1)),
            digest  TEXT NOT NULL UNIQUE,
            created TEXT NOT NULL
        );
        """,
    ),
    (
        5,
        """
        -- Where each annotator left each document: the cursor (a code point offset) and
        -- when, so the workbench reopens on the document in progress, at that place. One
        -- person's place in one file: not merged.
        ALTER TABLE assignments ADD COLUMN cursor INTEGER CHECK (cursor >= 0);
        ALTER TABLE assignments ADD COLUMN left_at TEXT;
        """,
    ),
    (
        6,
        """
        -- Machine proposals (patterns, lexicon, a trained model), kept apart from every
        -- person's layer until someone accepts one: agreement and exports never see
        -- them. Recomputable, so not merged. `model` names the model version that made
        -- a model suggestion ('' for the other sources).
        CREATE TABLE suggestions (
            id      INTEGER PRIMARY KEY AUTOINCREMENT,
            doc     INTEGER NOT NULL REFERENCES documents(seq),
            start   INTEGER NOT NULL CHECK (start >= 0),
            "end"   INTEGER NOT NULL CHECK ("end" > start),
            label   TEXT NOT NULL,
            source  TEXT NOT NULL CHECK (source IN ('patterns', 'lexicon', 'model')),
            score   REAL NOT NULL CHECK (score >= 0 AND score <= 1),
            model   TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL,
            UNIQUE (doc, start, "end", label, source)
        );
        CREATE INDEX suggestions_by_doc ON suggestions (doc, start);
        -- Where an accepted span came from (a suggestion source); NULL: made by hand.
        ALTER TABLE spans ADD COLUMN origin TEXT;
        """,
    ),
    (
        7,
        """
        -- Typed, directed links between two spans of one document and one layer (an
        -- annotator's relations join that annotator's spans, gold's join gold). The
        -- foreign keys make a span with relations undeletable until they are gone, so
        -- every writer deletes a span's relations in the same event.
        CREATE TABLE relations (
            id      INTEGER PRIMARY KEY AUTOINCREMENT,
            doc     INTEGER NOT NULL REFERENCES documents(seq),
            layer   TEXT NOT NULL,
            head    INTEGER NOT NULL REFERENCES spans(id),
            child   INTEGER NOT NULL REFERENCES spans(id),
            label   TEXT NOT NULL,
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            CHECK (head <> child),
            UNIQUE (head, child, label)
        );
        CREATE INDEX relations_by_layer ON relations (doc, layer);
        CREATE INDEX relations_by_child ON relations (child);
        """,
    ),
)

LATEST = MIGRATIONS[-1][0]


def statements(sql: str) -> list[str]:
    """Split a migration on statement boundaries, keeping trigger bodies whole."""
    found, buffer = [], ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                found.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        found.append(buffer.strip())
    return found


def migrate(db: Connection) -> None:
    """Apply every migration newer than the file's `user_version` (inside a transaction)."""
    version = db.user_version
    for number, sql in MIGRATIONS:
        if number > version:
            for statement in statements(sql):
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {number}")


def needs_migration(db: Connection) -> bool:
    """Whether an older project needs `migrate`; StoreError if this is no project we read.

    Only reads, so that opening an up-to-date project never waits for the write lock.
    """
    version = db.user_version
    if version == 0 and "project" not in db.table_names():
        raise StoreError(f"{db.path}: not an annotator project")
    if version > LATEST:
        raise StoreError(f"{db.path}: made by a newer annotator (schema {version} > {LATEST})")
    return version < LATEST
