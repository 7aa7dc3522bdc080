"""The records `annotator merge` passes between the store and the planner, and the rule
that undo and redo use to find a layer's history after a merge.

Kept apart from the planner (`annotator.merge`) because the store needs them on every
undo, and because they are plain data: NamedTuples in SQL column order, so the store
builds them straight from its rows.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

from annotator.models import EventAction

LAYER_MARK = EventAction.MERGE_LAYER
SUMMARY = EventAction.MERGE
ACTOR = "merge"

Key = tuple[int, str]
"""(document seq, layer)"""
Content = tuple[int, int, str]
State = dict[int, Content]
"""span id -> (start, end, label)"""
Links = dict[int, tuple[int, int, str]]
"""relation id -> (head span id, child span id, label)"""
Row = TypeVar("Row", bound=tuple[Any, ...])


class DocRow(NamedTuple):
    seq: int
    id: str
    text_hash: str
    text: str
    length: int
    title: str
    source: str | None
    meta: str
    created: str


class SpanRec(NamedTuple):
    id: int
    start: int
    end: int
    label: str
    created: str
    updated: str
    origin: str | None = None
    """the suggestion source an accepted span came from (files before migration 6: None)"""


class RelationRec(NamedTuple):
    id: int
    head: int
    child: int
    label: str
    created: str
    updated: str


class AssignmentRow(NamedTuple):
    status: str
    assigned: str
    started: str | None
    finished: str | None
    seconds: float


class EventRow(NamedTuple):
    """One event. The first four fields line up with the rows the store's history replays."""

    id: int
    action: str
    before: str | None
    after: str | None
    ref: int | None
    span_id: int | None
    uid: str
    ts: str
    actor: str
    doc: int | None
    layer: str | None


@dataclass
class Snapshot:
    """Everything of one project file the merge looks at (texts only where needed)."""

    name: str
    scheme_text: str
    documents: list[DocRow]
    annotators: dict[str, str]
    assignments: dict[Key, AssignmentRow]
    spans: dict[Key, dict[int, SpanRec]]
    events: list[EventRow]
    span_sequence: int
    """The highest span id ever handed out (AUTOINCREMENT never reuses one)."""
    event_sequence: int
    relations: dict[Key, dict[int, RelationRec]] = field(default_factory=dict)
    relation_sequence: int = 0
    """The highest relation id ever handed out."""


@dataclass
class Conflict:
    """Both copies changed one layer of one document; one side's work was kept whole."""

    doc_id: str
    layer: str
    kept: str
    dropped: str
    kept_last_edit: str
    dropped_last_edit: str
    kept_spans: int
    dropped_spans: int
    dropped_events: int

    def describe(self) -> str:
        return (
            f"conflict: document {self.doc_id}, layer {self.layer}: kept {self.kept} "
            f"({self.kept_spans} spans, last edit {self.kept_last_edit}); dropped {self.dropped} "
            f"({self.dropped_spans} spans, {self.dropped_events} events, last edit "
            f"{self.dropped_last_edit}; still in the event log)"
        )


@dataclass
class MergeReport:
    source: str
    documents_added: int = 0
    annotators_added: int = 0
    assignments_added: int = 0
    assignments_updated: int = 0
    events_copied: int = 0
    layers_taken: int = 0
    """(document, layer) pairs whose spans now come from the other file."""
    spans_added: dict[str, int] = field(default_factory=dict)
    spans_removed: dict[str, int] = field(default_factory=dict)
    relations_added: dict[str, int] = field(default_factory=dict)
    relations_removed: dict[str, int] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    """Rows of the other file left out as invalid (an import would refuse them), in words."""

    @property
    def changed(self) -> bool:
        return bool(
            self.documents_added
            or self.annotators_added
            or self.assignments_added
            or self.assignments_updated
            or self.events_copied
            or self.spans_added
            or self.spans_removed
            or self.relations_added
            or self.relations_removed
        )


@dataclass
class MergePlan:
    """The rows to write, in this order, with this project's ids already assigned."""

    report: MergeReport
    documents: list[DocRow] = field(default_factory=list)
    annotators: list[tuple[str, str]] = field(default_factory=list)
    events: list[EventRow] = field(default_factory=list)
    span_deletes: list[int] = field(default_factory=list)
    span_inserts: list[tuple[int, int, str, SpanRec]] = field(default_factory=list)
    """(id here, document seq, layer, span as in the other file)"""
    span_sequence: int | None = None
    relation_deletes: list[int] = field(default_factory=list)
    """Relations of the layers the merge rewrites, removed before their spans change."""
    relation_inserts: list[tuple[int, int, str, RelationRec]] = field(default_factory=list)
    """(id here, document seq, layer, relation with span ids already here), written last"""
    relation_sequence: int | None = None
    assignment_inserts: list[tuple[int, str, AssignmentRow]] = field(default_factory=list)
    assignment_updates: list[tuple[int, str, AssignmentRow]] = field(default_factory=list)


def effective_history(rows: Sequence[Row]) -> list[Row]:
    """The events of one layer that undo and redo replay, in replay order.

    `rows` are the layer's events in log order, each starting `(id, action, before,
    after)`. Without merges that is all of them; after a `merge.layer` event, the history
    it recorded followed by whatever came after it.
    """
    for index in range(len(rows) - 1, -1, -1):
        if rows[index][1] == LAYER_MARK:
            history = json.loads(rows[index][3])["history"]
            earlier = {row[0]: row for row in rows[:index]}
            return [earlier[i] for i in history if i in earlier] + list(rows[index + 1 :])
    return list(rows)
