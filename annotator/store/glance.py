"""What the workbench's first frame shows, read before the rest of the program loads.

Opening the workbench means loading pydantic, the store's facade, the screens and their
widgets; the text the annotator came for needs none of that. `glance` reads the
document the workbench is about to open, the annotator's spans on it, where their cursor
was, and the labels' keys and colours, with the standard library alone, so the text is
on screen while the rest loads.

A glance is an offer, never an authority: it reads nothing but a project at the latest
migration, writes nothing, and whenever anything is not as expected (no file, an older
project, a damaged one, an unknown document, a scheme it cannot read) it returns None
and the workbench opens the usual way, where the store says what is wrong. The scheme is
the stored TOML text, validated when it was stored; the glance takes from it only what
it draws.
"""

from __future__ import annotations

import sqlite3
import tomllib
from pathlib import Path
from typing import NamedTuple

from annotator.errors import StoreError
from annotator.shapes import SpanRow, qualified_name
from annotator.store.connection import Connection
from annotator.store.migrations import LATEST

SPAN_ROW_COLUMNS = ", ".join(f'"{name}"' for name in SpanRow._fields)
"""The columns of a `shapes.SpanRow`, in its order."""


class Glance(NamedTuple):
    """One document as the annotate screen will first show it.

    A named tuple, as `Opening` is: a frozen dataclass costs several times as much to
    define, and these are defined on the way to the first frame.
    """

    doc_id: str
    text: str
    spans: list[SpanRow]
    """the annotator's spans on it"""
    scheme: str
    """the scheme's qualified name (`negotiation-v2`)"""
    label_colors: dict[str, str]
    label_keys: dict[str, str]
    cursor: int | None
    """where the annotator's cursor was when they last left it"""


def resumed(db: Connection, annotator: str) -> str | None:
    """The document in progress the annotator left last (or, left before places were
    kept, started last): the one the workbench reopens on."""
    found = db.one(
        "SELECT d.id FROM assignments a JOIN documents d ON d.seq = a.doc "
        "WHERE a.annotator = ? AND a.status = 'in-progress' "
        "ORDER BY coalesce(a.left_at, a.started, '') DESC, a.doc LIMIT 1",
        (annotator,),
    )
    return None if found is None else str(found)


def glance(path: Path, annotator: str, doc_id: str | None) -> Glance | None:
    """The document `doc_id` (None: the one to resume) as `annotator` left it, or None
    when the workbench should open the usual way (see the module's docstring)."""
    if not path.is_file():
        return None
    try:
        db = Connection.open_read_only(path)
    except StoreError:
        return None
    try:
        return _read(db, annotator, doc_id)
    except (sqlite3.Error, StoreError, RecursionError, ValueError, KeyError, TypeError):
        # SQLite's refusals, or a stored scheme it cannot read: not TOML (TOMLDecodeError
        # is a ValueError), too deep, a field missing or of another type.
        return None
    finally:
        db.close()


def _read(db: Connection, annotator: str, doc_id: str | None) -> Glance | None:
    if db.pragma("user_version") != LATEST:
        return None
    doc_id = doc_id if doc_id is not None else resumed(db, annotator)
    if doc_id is None:
        return None
    found = db.execute("SELECT seq, text FROM documents WHERE id = ?", (doc_id,)).fetchone()
    if found is None:
        return None
    key, text = found
    spans = [
        SpanRow._make(row)
        for row in db.execute(
            f"SELECT {SPAN_ROW_COLUMNS} FROM spans WHERE doc = ? AND layer = ?",
            (key, annotator),
        )
    ]
    cursor = db.one(
        "SELECT cursor FROM assignments WHERE doc = ? AND annotator = ?", (key, annotator)
    )
    scheme = tomllib.loads(db.one("SELECT value FROM project WHERE key = 'scheme'"))
    labels = scheme["labels"]
    return Glance(
        doc_id=doc_id,
        text=str(text),
        spans=spans,
        scheme=qualified_name(str(scheme["name"]), int(scheme["version"])),
        label_colors={str(label["name"]): str(label["color"]) for label in labels},
        label_keys={str(label["name"]): str(label["key"]) for label in labels},
        cursor=None if cursor is None else int(cursor),
    )
