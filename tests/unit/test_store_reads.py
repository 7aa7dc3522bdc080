"""The store's light read path: spans as plain rows, for screens that read many at once."""

from __future__ import annotations

import pytest

from annotator.errors import StoreError
from annotator.models import SpanRow
from annotator.store import NewDocument, Store, text_hash

TEXT = "Kyiv must stay neutral, the minister said on Tuesday."


@pytest.fixture
def doc_id(store: Store) -> str:
    with store.transaction():
        store.import_documents([NewDocument(text=TEXT)])
    doc = text_hash(TEXT)
    # Nested, overlapping and tied spans in two layers, added out of reading order.
    store.add_span(doc, "alice", 24, 36, "attribution")
    store.add_span(doc, "alice", 0, 22, "demand")
    store.add_span(doc, "alice", 0, 22, "quote")
    store.add_span(doc, "alice", 5, 22, "demand")
    store.add_span(doc, "bob", 0, 4, "guarantor")
    return doc


def test_span_rows_are_the_spans_as_plain_rows_in_the_same_order(store: Store, doc_id: str) -> None:
    for layer in ("alice", "bob", None):
        models = store.spans(doc_id, layer)
        assert models
        rows = store.span_rows(doc_id, layer)
        assert all(type(row) is SpanRow for row in rows)
        assert rows == [
            SpanRow(span.id or 0, span.layer, span.start, span.end, span.label) for span in models
        ]


def test_span_rows_of_an_unknown_document_refuse_like_spans(store: Store) -> None:
    with pytest.raises(StoreError) as models:
        store.spans("no-such-document")
    with pytest.raises(StoreError) as rows:
        store.span_rows("no-such-document")
    assert str(rows.value) == str(models.value)
