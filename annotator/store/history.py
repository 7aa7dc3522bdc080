"""The event log: writing its rows, reading them back, and undo/redo derived from it.

Undo and redo keep no state of their own: one replay of a layer's history (span and
relation actions push, `undo` pops onto the redo stack, `redo` pops back) answers what
undo would revert, what redo would restore, and so whether either is possible.

A state is a span's (`{"id", "start", "end", "label"}`, a deleted span's also with the
`"relations"` that went with it) or a relation's (`{"relation", "head", "child",
"label"}`, see `is_relation`); one stack holds both, in the order they were made.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator.errors import StoreError
from annotator.merge_records import effective_history
from annotator.models import UNDOABLE_ACTIONS, Event, EventAction
from annotator.store import rows
from annotator.store.connection import Connection, now
from annotator.store.rows import SpanState


@dataclass(frozen=True)
class HistoryState:
    """Whether undo and redo would do anything for one layer of one document."""

    can_undo: bool
    can_redo: bool


@dataclass
class Stacks:
    """One layer's history replayed: event ids undo would revert and redo would restore."""

    done: list[int] = field(default_factory=list)
    undone: list[int] = field(default_factory=list)
    states: dict[int, tuple[SpanState | None, SpanState | None]] = field(default_factory=dict)
    """event id -> (before, after) of the span actions on either stack"""


def log(
    db: Connection,
    actor: str,
    action: EventAction,
    doc: int | None = None,
    layer: str | None = None,
    span_id: int | None = None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    ref: int | None = None,
) -> int:
    """Append one event (inside the caller's write transaction); returns its id."""
    cursor = db.execute(
        "INSERT INTO events (ts, actor, action, doc, layer, span_id, before, after, ref) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            now(),
            actor,
            action.value,
            doc,
            layer,
            span_id,
            rows.dumps(before),
            rows.dumps(after),
            ref,
        ),
    )
    return cursor.lastrowid or 0


def events(db: Connection, doc: int | None = None, layer: str | None = None) -> list[Event]:
    sql = (
        "SELECT e.id, e.ts, e.actor, e.action, d.id, e.layer, e.span_id, e.before, e.after,"
        " e.ref FROM events e LEFT JOIN documents d ON d.seq = e.doc"
    )
    clauses: list[str] = []
    params: list[Any] = []
    if doc is not None:
        clauses.append("e.doc = ?")
        params.append(doc)
    if layer is not None:
        clauses.append("e.layer = ?")
        params.append(layer)
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    return [rows.event(row) for row in db.execute(sql + " ORDER BY e.id", params)]


Renames = list[tuple[int, dict[str, str]]]
"""(event id, {old: new}) of every `schema migrate --rename`, in log order."""


def renames(db: Connection) -> Renames:
    """The label renames of every scheme change, in order (a few rows: an index probe)."""
    found = db.execute(
        "SELECT id, after FROM events WHERE action = ? ORDER BY id",
        (EventAction.SCHEME_UPDATE.value,),
    )
    return [
        (event_id, dict(record.get("renames") or {}))
        for event_id, after in found
        if (record := rows.loads(after)) is not None
    ]


def renamed(state: SpanState | None, since: int, changes: Renames) -> SpanState | None:
    """A span state logged by event `since`, with the label renames made after it.

    A migration renames labels in the spans table without an event per span; the log
    keeps the old names, so undo and redo translate on the way out, and never bring
    back a label the scheme has renamed.
    """
    if state is None or is_relation(state):
        return state  # relation names are not label names: a label rename leaves them
    label = state["label"]
    for event_id, change in changes:
        if event_id > since and label in change:
            label = change[label]
    return state if label == state["label"] else {**state, "label": label}


def replay_rows(found: Sequence[tuple[Any, ...]], changes: Renames) -> Stacks:
    """`replay` over one layer's rows `(id, action, before, after, ref)`, in log order."""
    stacks = Stacks()
    for event_id, action, before, after, ref in effective_history(found):
        if action in UNDOABLE_ACTIONS:
            stacks.states[event_id] = (
                renamed(rows.loads(before), event_id, changes),
                renamed(rows.loads(after), event_id, changes),
            )
            stacks.done.append(event_id)
            stacks.undone.clear()
        elif action == EventAction.UNDO and stacks.done and stacks.done[-1] == ref:
            stacks.undone.append(stacks.done.pop())
        elif action == EventAction.REDO and stacks.undone and stacks.undone[-1] == ref:
            stacks.done.append(stacks.undone.pop())
    return stacks


def replay(db: Connection, doc: int, layer: str) -> Stacks:
    """Replay the log of one layer of one document into undo and redo stacks, once.

    Span actions push onto the undo stack (and clear redo, as any editor does); an
    `undo` event moves its target to the redo stack, a `redo` moves it back. After a
    merge that kept one copy's work, the history is what its `merge.layer` event says
    (`annotator.merge_records.effective_history`): the other copy's events are not replayed.
    States come with later label renames applied (`renamed`).
    """
    found = db.execute(
        "SELECT id, action, before, after, ref FROM events WHERE doc = ? AND layer = ? ORDER BY id",
        (doc, layer),
    ).fetchall()
    return replay_rows(found, renames(db))


def state(db: Connection, doc: int, layer: str) -> HistoryState:
    stacks = replay(db, doc, layer)
    return HistoryState(can_undo=bool(stacks.done), can_redo=bool(stacks.undone))


def _apply(
    db: Connection, doc: int, layer: str, target: SpanState | None, current: SpanState | None
) -> int | None:
    """Make the span row equal `target` (None: absent), starting from `current`.

    A span brought back keeps the origin its state recorded; a moved or relabelled one
    keeps the origin it has (an accepted suggestion stays one after a boundary fix).
    """
    if is_relation(target) or is_relation(current):
        return _apply_relation(db, doc, layer, target, current)
    if target is None:
        assert current is not None
        # A span leaves with the relations its state lists (a redone delete); any other
        # relation would be left without its span: refused, as `delete_span` never does.
        for linked in current.get("relations", ()):
            db.execute("DELETE FROM relations WHERE id = ?", (linked["relation"],))
        if db.one("SELECT 1 FROM relations WHERE head = ? OR child = ?", (current["id"],) * 2):
            raise StoreError(
                f"span {current['id']} has relations made since; delete them before undoing "
                "or redoing its removal"
            )
        db.execute("DELETE FROM spans WHERE id = ?", (current["id"],))
        return None
    stamp = now()
    db.execute(
        'INSERT INTO spans (id, doc, layer, start, "end", label, created, updated, origin) '
        "VALUES (:id, :doc, :layer, :start, :end, :label, :stamp, :stamp, :origin) "
        'ON CONFLICT(id) DO UPDATE SET start = :start, "end" = :end, label = :label, '
        "updated = :stamp",
        {"origin": None, **target, "doc": doc, "layer": layer, "stamp": stamp},
    )
    for linked in target.get("relations", ()):  # an undone delete brings them back
        _apply_relation(db, doc, layer, linked, None)
    return int(target["id"])


def is_relation(state: SpanState | None) -> bool:
    """Whether an event state is a relation's (`{"relation", "head", "child", "label"}`)."""
    return state is not None and "relation" in state


def _apply_relation(
    db: Connection, doc: int, layer: str, target: SpanState | None, current: SpanState | None
) -> int | None:
    """Make the relation row equal `target` (None: absent); returns its head span's id."""
    if target is None:
        assert current is not None
        db.execute("DELETE FROM relations WHERE id = ?", (current["relation"],))
        head = current["head"]
        return None if db.one("SELECT 1 FROM spans WHERE id = ?", (head,)) is None else head
    db.execute(
        "INSERT INTO relations (id, doc, layer, head, child, label, created, updated) "
        "VALUES (:relation, :doc, :layer, :head, :child, :label, :stamp, :stamp) "
        "ON CONFLICT(id) DO UPDATE SET head = :head, child = :child, label = :label, "
        "updated = :stamp",
        {**target, "doc": doc, "layer": layer, "stamp": now()},
    )
    return int(target["head"])


def span_id_of(before: SpanState | None, after: SpanState | None) -> int | None:
    """The span an event changed; None for a relation's event (its state has no span id)."""
    found = after or before
    return None if found is None or is_relation(found) else int(found["id"])


def step(
    db: Connection,
    doc: int,
    layer: str,
    actor: str,
    *,
    back: bool,
    check: Callable[[SpanState], None] | None = None,
) -> tuple[bool, int | None]:
    """Undo (`back`) or redo one span or relation action, inside the caller's transaction.

    `check` sees the state the step would write (a span's, labels already renamed, or a
    relation's) and raises to refuse it, as every other write is checked (scheme, range,
    overlap, relation rules). Returns whether there was anything to do, and the id of
    the span the step leaves (None when it leaves no span: an undone add, a redone
    delete); for a relation, its head span (where a cursor goes to show the change).
    """
    stacks = replay(db, doc, layer)
    stack = stacks.done if back else stacks.undone
    if not stack:
        return False, None
    event_id = stack[-1]
    before, after = stacks.states[event_id]
    target, current = (before, after) if back else (after, before)
    if check is not None and target is not None:
        check(target)
    span_id = _apply(db, doc, layer, target, current)
    log(
        db,
        actor,
        EventAction.UNDO if back else EventAction.REDO,
        doc,
        layer,
        span_id_of(before, after),
        ref=event_id,
        before=current,
        after=target,
    )
    return True, span_id
