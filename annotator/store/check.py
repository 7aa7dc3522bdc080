"""`annotator check`: is this project file sound, and does it hold only what we write?

Five questions, each answered from the file alone: does SQLite find its pages and
indexes intact (`integrity_check`); does every row's foreign key find its row
(`foreign_key_check`); is every span inside its document's text, with a label of the
scheme, in a layer with a plain name; does every relation link two spans of its own
document and layer that its declaration in the scheme fits; and does the event log agree
with the spans and relations (the state each logged one was left in is the state it
has). A damaged file can fail the later questions only partly, or not be readable at
all: every question catches its own `sqlite3.DatabaseError` and reports it as one more
problem, never as a crash.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from annotator.errors import StoreError
from annotator.models import EVENT_ACTIONS, HISTORY_ACTIONS, EventAction, Scheme, check_name
from annotator.store import history
from annotator.store.connection import Connection
from annotator.store.rows import SpanState

LIMIT = 20
"""Problems listed per question; the rest is counted."""


class Problem(NamedTuple):
    """One finding of `check`: which question found it, and a plain line for people."""

    question: str
    message: str

    @property
    def damage(self) -> bool:
        """The file itself is damaged (pages, foreign keys): copying it copies the damage."""
        return self.question in DAMAGE


DAMAGE = frozenset({"integrity", "foreign_keys"})


def check(db: Connection, scheme: Callable[[], Scheme]) -> list[Problem]:
    """Every problem found (empty: the project is sound).

    `scheme` is asked lazily: a file too damaged to read its settings still gets the
    answers of the questions that come before.
    """
    problems: list[Problem] = []
    for question in (_integrity, _foreign_keys, _spans, _relations, _events):
        name = question.__name__[1:]
        found: list[str] = []
        try:
            for problem in question(db, scheme):
                found.append(problem)
        except sqlite3.DatabaseError as exc:
            name = "integrity"  # what could not be read is damaged
            found.append(f"could not read the file ({exc})")
        except Exception as exc:  # a stored scheme that no longer parses, for one
            found.append(f"{name}: {exc}")
        if len(found) > LIMIT:
            found[LIMIT:] = [f"... and {len(found) - LIMIT} more of the same kind"]
        problems += [Problem(name, message) for message in found]
        if name == "integrity" and found:
            break  # reading a damaged file further would report noise, or worse
    return problems


def refuse_damage(problems: list[Problem], subject: str, outcome: str) -> None:
    """StoreError listing the damage `check` found, if any (backup and merge sources)."""
    damage = [problem.message for problem in problems if problem.damage]
    if damage:
        raise StoreError(
            f"{subject}: the file is damaged; {outcome} (see `annotator check`):\n  "
            + "\n  ".join(damage)
        )


def _integrity(db: Connection, _scheme: Callable[[], Scheme]) -> Iterator[str]:
    for (verdict,) in db.execute("PRAGMA integrity_check(100)"):
        if verdict != "ok":
            yield f"integrity: {verdict}"


def _foreign_keys(db: Connection, _scheme: Callable[[], Scheme]) -> Iterator[str]:
    for table, rowid, parent, _fk in db.execute("PRAGMA foreign_key_check"):
        yield f"foreign key: {table} row {rowid} refers to a missing row of {parent}"


def _spans(db: Connection, scheme: Callable[[], Scheme]) -> Iterator[str]:
    labels = scheme().label_names
    for doc_id, length, stored in db.execute(
        "SELECT id, length(text), length FROM documents WHERE length(text) != length"
    ):
        yield f"document {doc_id!r}: its length is stored as {stored}, its text has {length}"
    marks = ",".join("?" * len(labels))
    for span_id, doc_id, layer, start, end, label, length in db.execute(
        'SELECT s.id, d.id, s.layer, s.start, s."end", s.label, length(d.text) FROM spans s '
        "JOIN documents d ON d.seq = s.doc "
        f'WHERE NOT (0 <= s.start AND s.start < s."end" AND s."end" <= length(d.text)) '
        f"OR s.label NOT IN ({marks}) ORDER BY s.id",
        labels,
    ):
        where = f"span {span_id} ({doc_id!r}, layer {layer!r}, {start}-{end} {label!r})"
        if label not in labels:
            yield f"{where}: label {label!r} is not in the scheme ({', '.join(labels)})"
        else:
            yield f"{where}: outside the text (0-{length})"
    names = db.execute("SELECT DISTINCT layer FROM spans UNION SELECT name FROM annotators")
    for (name,) in names:
        try:
            check_name(str(name), "layer name")
        except ValueError as exc:
            yield f"layer or annotator {name!r}: {exc}"


def _relations(db: Connection, scheme: Callable[[], Scheme]) -> Iterator[str]:
    if "relations" not in db.table_names():
        return  # a file from before migration 7 (a merge source is read as it is)
    declared = {relation.name: relation for relation in scheme().relations}
    for row in db.execute(
        "SELECT r.id, d.id, r.layer, r.label, r.doc, r.head, r.child, h.doc, h.layer, h.label, "
        "c.doc, c.layer, c.label FROM relations r JOIN documents d ON d.seq = r.doc "
        "LEFT JOIN spans h ON h.id = r.head LEFT JOIN spans c ON c.id = r.child ORDER BY r.id"
    ):
        relation_id, doc_id, layer, label, doc, head, child = row[:7]
        h_doc, h_layer, h_label, c_doc, c_layer, c_label = row[7:]
        where = f"relation {relation_id} ({doc_id!r}, layer {layer!r}, {label!r})"
        if h_label is None or c_label is None:
            end, span_id = ("head", head) if h_label is None else ("child", child)
            yield f"{where}: its {end} span {span_id} is missing"
        elif {(h_doc, h_layer), (c_doc, c_layer)} != {(doc, layer)}:
            yield f"{where}: its spans {head} and {child} are not both in its document and layer"
        elif label not in declared:
            names = ", ".join(declared) or "none"
            yield f"{where}: relation {label!r} is not in the scheme (relations: {names})"
        elif (problem := declared[label].misfit(h_label, c_label)) is not None:
            yield f"{where}: span {head} -> span {child}: {problem}"


def _events(db: Connection, _scheme: Callable[[], Scheme]) -> Iterator[str]:
    for (action,) in db.execute("SELECT DISTINCT action FROM events"):
        if action not in EVENT_ACTIONS:
            yield f"event log: unknown action {action!r}"
    changes = history.renames(db)
    marks = ",".join("?" * len(HISTORY_ACTIONS | {EventAction.MERGE_LAYER}))
    found = db.execute(
        "SELECT e.doc, e.layer, e.id, e.action, e.before, e.after, e.ref FROM events e "
        f"WHERE e.doc IS NOT NULL AND e.layer IS NOT NULL AND e.action IN ({marks}) "
        "ORDER BY e.doc, e.layer, e.id",
        [str(a) for a in HISTORY_ACTIONS | {EventAction.MERGE_LAYER}],
    )
    for (doc, layer), group in itertools.groupby(found, key=lambda row: (row[0], row[1])):
        stacks = history.replay_rows([row[2:] for row in group], changes)
        expected = _expected(stacks)
        if expected:
            yield from _compare(db, doc, layer, expected)
        linked = _expected_relations(stacks)
        if linked:
            yield from _compare_relations(db, doc, layer, linked)


def _expected(stacks: history.Stacks) -> dict[int, SpanState | None]:
    """Span id -> the state the replayed history leaves it in (None: not there)."""
    expected: dict[int, SpanState | None] = {}
    for event_id in stacks.done:
        before, after = stacks.states[event_id]
        span_id = history.span_id_of(before, after)
        if span_id is not None:
            expected[span_id] = after
    # Undone events were reverted, the latest first: a span only they touched is as the
    # earliest of them found it.
    for event_id in stacks.undone:
        before, after = stacks.states[event_id]
        span_id = history.span_id_of(before, after)
        if span_id is not None and not any(
            history.span_id_of(*stacks.states[e]) == span_id for e in stacks.done
        ):
            expected[span_id] = before
    return expected


def _relation_changes(
    before: SpanState | None, after: SpanState | None
) -> list[tuple[int, SpanState | None, SpanState | None]]:
    """`(relation id, before, after)` of what one event did to relations: its own
    relation's, or those a span's deletion took with it."""
    if history.is_relation(before) or history.is_relation(after):
        found = after or before
        assert found is not None
        return [(int(found["relation"]), before, after)]
    if before is not None and after is None:
        return [(int(linked["relation"]), linked, None) for linked in before.get("relations", ())]
    return []


def _expected_relations(stacks: history.Stacks) -> dict[int, SpanState | None]:
    """Relation id -> the state the replayed history leaves it in, as `_expected`."""
    expected: dict[int, SpanState | None] = {}
    for event_id in stacks.done:
        for relation_id, _before, after in _relation_changes(*stacks.states[event_id]):
            expected[relation_id] = after
    done = set(expected)
    for event_id in stacks.undone:
        for relation_id, before, _after in _relation_changes(*stacks.states[event_id]):
            if relation_id not in done:
                expected[relation_id] = before
    return expected


def _compare_relations(
    db: Connection, doc: int, layer: str, expected: dict[int, SpanState | None]
) -> Iterator[str]:
    current: dict[int, tuple[Any, ...]] = {
        row[0]: tuple(row[1:])
        for row in db.execute(
            "SELECT id, head, child, label FROM relations WHERE doc = ? AND layer = ?",
            (doc, layer),
        )
    }
    doc_id = db.one("SELECT id FROM documents WHERE seq = ?", (doc,))
    for relation_id, state in sorted(expected.items()):
        where = f"event log, document {doc_id!r}, layer {layer!r}, relation {relation_id}"
        row = current.get(relation_id)
        if state is None:
            if row is not None:
                yield f"{where}: the log says it was removed, it is there {_link(row)}"
            continue
        wanted = (state["head"], state["child"], state["label"])
        if row is None:
            yield f"{where}: the log says {_link(wanted)}, the relation is missing"
        elif row != wanted:
            yield f"{where}: the log says {_link(wanted)}, the relation is {_link(row)}"


def _link(content: tuple[Any, ...]) -> str:
    head, child, label = content
    return f"{label} from span {head} to span {child}"


def _compare(
    db: Connection, doc: int, layer: str, expected: dict[int, SpanState | None]
) -> Iterator[str]:
    current: dict[int, tuple[Any, ...]] = {
        row[0]: tuple(row[1:])
        for row in db.execute(
            'SELECT id, start, "end", label FROM spans WHERE doc = ? AND layer = ?', (doc, layer)
        )
    }
    contents = set(current.values())
    doc_id = db.one("SELECT id FROM documents WHERE seq = ?", (doc,))
    for span_id, state in sorted(expected.items()):
        where = f"event log, document {doc_id!r}, layer {layer!r}, span {span_id}"
        row = current.get(span_id)
        if state is None:
            if row is not None:
                yield f"{where}: the log says it was removed, the span is there {_show(row)}"
            continue
        wanted = (state["start"], state["end"], state["label"])
        if row is None and wanted not in contents:
            yield f"{where}: the log says {_show(wanted)}, the span is missing"
        elif row is not None and row != wanted:
            yield f"{where}: the log says {_show(wanted)}, the span is {_show(row)}"


def _show(content: tuple[Any, ...]) -> str:
    start, end, label = content
    return f"{start}-{end} {label}"
