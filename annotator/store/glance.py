"""What the workbench's first frame shows, read before the rest of the program loads.

Opening the workbench means loading pydantic, the store's facade, the screens and their
widgets; the text the annotator came for needs none of that. `glance` reads the
document the workbench is about to open, the annotator's spans on it, where their cursor
was, and the labels' keys and colours, with the standard library alone, so the text is
on screen while the rest loads.

A glance is an offer, never an authority: it reads nothing but a project at the latest
migration, writes nothing, and whenever anything is not as expected (no file, an older
project, a damaged one, an unknown document, a scheme it cannot read) it returns None
and the workbench opens the usual way, where the store says what is wrong.

The scheme is the stored TOML text, validated when it was stored. What the glance draws
of it (its name, the labels' keys and colours) the store also keeps as JSON beside it
(`scheme_digest`, written with the text), which SQLite reads itself: parsing the TOML,
tomllib included, was 2 ms of the first frame's 200. The digest holds the text it was
made from and is used only while that is still the stored text; else (a project stored
before digests were kept) the glance parses the TOML.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from annotator.errors import StoreError
from annotator.shapes import SpanRow, qualified_name
from annotator.store.connection import Connection
from annotator.store.migrations import LATEST

if TYPE_CHECKING:
    from annotator.models import Scheme

SCHEME_DIGEST = "scheme_digest"
"""The `project` key of what a glance draws of the scheme (see the module's docstring)."""

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
    scheme, labels = _digested(db) or _parsed(db)
    return Glance(
        doc_id=doc_id,
        text=str(text),
        spans=spans,
        scheme=scheme,
        label_colors={name: color for name, (_key, color) in labels.items()},
        label_keys={name: key for name, (key, _color) in labels.items()},
        cursor=None if cursor is None else int(cursor),
    )


Labels = dict[str, tuple[str, str]]
"""Each label's key and colour, by name, in the scheme's order."""


def scheme_digest(scheme_text: str, scheme: Scheme) -> str:
    """What the store keeps beside `scheme_text` for glances (`SCHEME_DIGEST`)."""
    import json

    labels = {label.name: [label.key, label.color] for label in scheme.labels}
    digest = {"text": scheme_text, "qualified_name": scheme.qualified_name, "labels": labels}
    return json.dumps(digest, ensure_ascii=False)


def _digested(db: Connection) -> tuple[str, Labels] | None:
    """The scheme's name and labels from its digest, read by SQLite; None without one
    made from the text stored now (or an SQLite without its JSON functions)."""
    try:
        name = db.one(
            "SELECT json_extract(d.value, '$.qualified_name') FROM project d JOIN project s "
            "ON s.key = 'scheme' AND s.value = json_extract(d.value, '$.text') "
            "WHERE d.key = ?",
            (SCHEME_DIGEST,),
        )
        if name is None:
            return None
        rows = db.execute(
            "SELECT label.key, json_extract(label.value, '$[0]'), "
            "json_extract(label.value, '$[1]') FROM project, "
            "json_each(project.value, '$.labels') AS label WHERE project.key = ?",
            (SCHEME_DIGEST,),
        ).fetchall()
    except sqlite3.OperationalError:
        return None
    return str(name), {str(label): (str(key), str(color)) for label, key, color in rows}


def _parsed(db: Connection) -> tuple[str, Labels]:
    """The scheme's name and labels from its TOML text."""
    import tomllib

    scheme = tomllib.loads(db.one("SELECT value FROM project WHERE key = 'scheme'"))
    name = qualified_name(str(scheme["name"]), int(scheme["version"]))
    labels = scheme["labels"]
    return name, {str(label["name"]): (str(label["key"]), str(label["color"])) for label in labels}
