"""SQL rows to pydantic models: the shapes the store's parts read back, in one place."""

from __future__ import annotations

import json
from typing import Any

from annotator.models import Document, Event, Span

SpanState = dict[str, Any]
"""A span as the event log records it: `{"id", "start", "end", "label"}`, and `"origin"`
when it was accepted from a suggestion (so undo and redo bring it back with its origin)."""

SPAN_COLUMNS = 'id, layer, start, "end", label, created, updated, origin'


def document(row: Any) -> Document:
    doc_id, text, source, meta, created = row
    return Document(id=doc_id, text=text, source=source, meta=json.loads(meta), created=created)


def span(doc_id: str, row: Any) -> Span:
    span_id, layer, start, end, label, created, updated, origin = row
    return Span(
        id=span_id,
        doc_id=doc_id,
        layer=layer,
        start=start,
        end=end,
        label=label,
        created=created,
        updated=updated,
        origin=origin,
    )


def state(span: Span) -> SpanState:
    found: SpanState = {"id": span.id, "start": span.start, "end": span.end, "label": span.label}
    if span.origin is not None:
        found["origin"] = span.origin
    return found


def loads(text: str | None) -> SpanState | None:
    return json.loads(text) if text else None


def dumps(record: dict[str, Any] | None) -> str | None:
    return None if record is None else json.dumps(record, ensure_ascii=False)


def event(row: Any) -> Event:
    event_id, ts, actor, action, doc_id, layer, span_id, before, after, ref = row
    return Event(
        id=event_id,
        ts=ts,
        actor=actor,
        action=action,
        doc_id=doc_id,
        layer=layer,
        span_id=span_id,
        before=loads(before),
        after=loads(after),
        ref=ref,
    )
