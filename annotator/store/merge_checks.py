"""What a merge accepts from the other file: every row checked as an import checks it.

The other file may be hand-made or hand-edited: spans past the end of their text,
labels outside the scheme, relations the scheme does not declare or that do not fit
their spans, layer names the CLI refuses (escape bytes that would reach
the terminal), JSON that does not parse, events of its own project. `validated` returns
the snapshot without those rows, and one plain line per thing it left out; what depends
on a row left out (a document's spans and events, an undo of a dropped edit) goes too.
Derived columns (content hash, length, title) are computed again from the text, as
`import` computes them, never trusted.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from annotator.merge_records import DocRow, EventRow, RelationRec, Snapshot, SpanRec
from annotator.models import (
    EVENT_ACTIONS,
    GOLD,
    HISTORY_ACTIONS,
    EventAction,
    Scheme,
    Status,
    check_name,
)
from annotator.store.documents import ORIGINS, text_hash, title_of

FOREIGN_ACTIONS = frozenset({EventAction.PROJECT_CREATE, EventAction.SCHEME_UPDATE})
"""The other project's own events: its creation, its scheme changes (whose renames are
not this project's). Copying them would rewrite this project's history."""
STATUSES = frozenset(status.value for status in Status)
LIMIT = 20


def _layer_ok(name: Any) -> bool:
    if name == GOLD:
        return True
    try:
        check_name(name, "layer")
    except (TypeError, ValueError):
        return False
    return True


def _person_ok(name: Any) -> bool:
    return name != GOLD and _layer_ok(name)


def _time(value: Any, default: str) -> str:
    """A time stamp as the store writes them (ISO 8601), or `default` for anything else."""
    try:
        datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return default
    return str(value)


def _json_object(text: Any) -> dict[str, Any] | None:
    try:
        value = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


class _Validator:
    def __init__(self, other: Snapshot, scheme: Scheme, stamp: str) -> None:
        self.other = other
        self.stamp = stamp
        self.labels = set(scheme.label_names)
        self.scheme = scheme
        self.problems: list[str] = []
        self.lengths: dict[int, int] = {}
        self.ids: dict[int, str] = {}

    def skip(self, message: str) -> None:
        self.problems.append(f"{self.other.name}: skipped {message}")

    def documents(self) -> list[DocRow]:
        kept = []
        hashes: set[str] = set()
        for doc in self.other.documents:
            meta = _json_object(doc.meta)
            if not isinstance(doc.text, str) or not isinstance(doc.id, str) or not doc.id:
                self.skip(f"document {doc.seq}: no text or no id")
            elif text_hash(doc.text) in hashes:
                self.skip(f"document {doc.id!r}: the same text as an earlier document")
            elif meta is None:
                self.skip(f"document {doc.id!r}: its meta is not a JSON object")
            elif doc.source is not None and not isinstance(doc.source, str):
                self.skip(f"document {doc.id!r}: its source is not text")
            else:
                self.lengths[doc.seq], self.ids[doc.seq] = len(doc.text), doc.id
                hashes.add(text_hash(doc.text))
                kept.append(
                    doc._replace(
                        text_hash=text_hash(doc.text),
                        length=len(doc.text),
                        title=title_of(doc.text),
                        meta=json.dumps(meta, ensure_ascii=False),
                        created=_time(doc.created, self.stamp),
                    )
                )
        return kept

    def span_problem(self, doc: int, start: Any, end: Any, label: Any) -> str | None:
        if label not in self.labels:
            return f"label {label!r} is not in this project's scheme"
        length = self.lengths[doc]
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= length):
            return f"{start}-{end} is outside the text (0-{length}) or empty"
        return None

    def spans(self) -> dict[tuple[int, str], dict[int, SpanRec]]:
        kept: dict[tuple[int, str], dict[int, SpanRec]] = {}
        for (doc, layer), spans in self.other.spans.items():
            if doc not in self.lengths:
                continue  # its document was skipped, and said so
            if not _layer_ok(layer):
                self.skip(
                    f"layer {layer!r} of document {self.ids[doc]!r} ({len(spans)} spans):"
                    " not a valid annotator name"
                )
                continue
            good = {}
            for span_id, span in spans.items():
                problem = self.span_problem(doc, span.start, span.end, span.label)
                if problem is None:
                    good[span_id] = span._replace(
                        created=_time(span.created, self.stamp),
                        updated=_time(span.updated, self.stamp),
                        # an origin no source has is a hand edit: the span stays, by hand
                        origin=span.origin if span.origin in ORIGINS else None,
                    )
                else:
                    self.skip(f"span {span_id} of {self.ids[doc]!r}, layer {layer}: {problem}")
            if good:
                kept[(doc, layer)] = good
        return kept

    def relations(
        self, spans: dict[tuple[int, str], dict[int, SpanRec]]
    ) -> dict[tuple[int, str], dict[int, RelationRec]]:
        """The other file's relations whose spans were kept and that the scheme fits."""
        kept: dict[tuple[int, str], dict[int, RelationRec]] = {}
        for (doc, layer), found in self.other.relations.items():
            ends = spans.get((doc, layer), {})
            for relation_id, relation in found.items():
                head, child = ends.get(relation.head), ends.get(relation.child)
                if head is None or child is None:
                    problem: str | None = "one of its spans is missing or was skipped"
                else:
                    problem = self.link_problem(relation.label, head.label, child.label)
                if problem is None:
                    kept.setdefault((doc, layer), {})[relation_id] = relation._replace(
                        created=_time(relation.created, self.stamp),
                        updated=_time(relation.updated, self.stamp),
                    )
                elif doc in self.ids:
                    self.skip(
                        f"relation {relation_id} of {self.ids[doc]!r}, layer {layer}: {problem}"
                    )
        return kept

    def link_problem(self, label: Any, head: str | None, child: str | None) -> str | None:
        if label not in self.scheme.relation_names:
            return f"relation {label!r} is not in this project's scheme"
        if head is None or child is None:
            return None  # an event's state: its spans are checked where they are written
        return self.scheme.relation(label).misfit(head, child)

    def state_problem(self, doc: int, text: str | None) -> str | None:
        if not text:
            return None
        state = _json_object(text)
        if state is None:
            return "its span state is not a JSON object"
        linked = [state] if "relation" in state else state.get("relations", [])
        if not isinstance(linked, list):
            return "its span state lists relations that do not parse"
        for record in linked:
            if not isinstance(record, dict) or not all(
                isinstance(record.get(key), int) for key in ("relation", "head", "child")
            ):
                return "its relation state has no relation or span ids"
            problem = self.link_problem(record.get("label"), None, None)
            if problem is not None:
                return problem
        if "relation" in state:
            return None
        if not isinstance(state.get("id"), int):
            return "its span state has no span id"
        return self.span_problem(doc, state.get("start"), state.get("end"), state.get("label"))

    def events(self) -> list[EventRow]:
        kept: list[EventRow] = []
        kept_ids: set[int] = set()
        dropped: dict[str, int] = {}
        for event in self.other.events:
            reason = self.event_problem(event, kept_ids)
            if reason is not None:
                dropped[reason] = dropped.get(reason, 0) + 1
                continue
            if event.action == EventAction.MERGE_LAYER:
                record = _json_object(event.after) or {}
                history = [i for i in record.get("history", []) if i in kept_ids]
                event = event._replace(after=json.dumps({**record, "history": history}))
            kept.append(event._replace(ts=_time(event.ts, self.stamp)))
            kept_ids.add(event.id)
        for reason, count in sorted(dropped.items()):
            if reason != "foreign":
                self.skip(f"{count} events: {reason}")
        return kept

    def event_problem(self, event: EventRow, kept: set[int]) -> str | None:
        if event.action not in EVENT_ACTIONS:
            return f"unknown action {event.action!r}"
        if event.action in FOREIGN_ACTIONS:
            return "foreign"  # the other project's own: left out without a word
        if event.doc is not None and event.doc not in self.lengths:
            return "their document was skipped"
        if event.layer is not None and not _layer_ok(event.layer):
            return "their layer is not a valid annotator name"
        if event.ref is not None and event.ref not in kept:
            return "they undo or redo an event that was skipped"
        if event.action in HISTORY_ACTIONS:
            if event.doc is None or event.layer is None:
                return "span actions without a document or layer"
            for text in (event.before, event.after):
                problem = self.state_problem(event.doc, text)
                if problem is not None:
                    return f"span actions whose {problem}"
        if event.action == EventAction.MERGE_LAYER and _json_object(event.after) is None:
            return "merge records that do not parse"
        return None


def validated(other: Snapshot, scheme: Scheme, stamp: str) -> tuple[Snapshot, list[str]]:
    """The other file's snapshot without what an import would refuse, and what was left out.

    Args:
        other: the file being merged in, as read.
        scheme: this project's scheme: incoming labels must be in it.
        stamp: the time given to rows whose own time stamps do not parse.

    Returns:
        The snapshot to plan with, and one line per row (or group of events) left out.
    """
    check = _Validator(other, scheme, stamp)
    documents = check.documents()
    spans = check.spans()
    annotators = {}
    for name, created in other.annotators.items():
        if _person_ok(name):
            annotators[name] = _time(created, stamp)
        else:
            check.skip(f"annotator {name!r}: not a valid annotator name")
    assignments = {}
    for (doc, annotator), row in other.assignments.items():
        if doc in check.lengths and annotator in annotators and row.status in STATUSES:
            assignments[(doc, annotator)] = row._replace(
                assigned=_time(row.assigned, stamp),
                started=None if row.started is None else _time(row.started, stamp),
                finished=None if row.finished is None else _time(row.finished, stamp),
                seconds=row.seconds if isinstance(row.seconds, int | float) else 0.0,
            )
        else:
            check.skip(f"assignment of document {doc} to {annotator!r} (status {row.status!r})")
    relations = check.relations(spans)
    events = check.events()
    problems = check.problems
    if len(problems) > LIMIT:
        problems[LIMIT:] = [f"{other.name}: ... and {len(problems) - LIMIT} more skipped"]
    cleaned = Snapshot(
        name=other.name,
        scheme_text=other.scheme_text,
        documents=documents,
        annotators=annotators,
        assignments=assignments,
        spans=spans,
        events=events,
        span_sequence=other.span_sequence,
        event_sequence=other.event_sequence,
        relations=relations,
        relation_sequence=other.relation_sequence,
    )
    return cleaned, problems
