"""What exporters and reports ask of the project as a whole: counts and label depths."""

from __future__ import annotations

import heapq
from collections.abc import Iterable

from annotator.store.connection import Connection


def span_counts_by_layer(db: Connection) -> dict[str, int]:
    """Spans per layer (layers in alphabetical order)."""
    found = db.execute("SELECT layer, count(*) FROM spans GROUP BY layer ORDER BY layer")
    return dict(found.fetchall())


def relation_counts_by_layer(db: Connection) -> dict[str, int]:
    """Relations per layer (layers in alphabetical order): whether an export's layers
    hold any decides a format's shape before its first record (doccano, Prodigy, csv)."""
    found = db.execute("SELECT layer, count(*) FROM relations GROUP BY layer ORDER BY layer")
    return dict(found.fetchall())


def documents_with_spans(db: Connection, layer: str) -> list[str]:
    """Ids of the documents where `layer` holds at least one span, in import order."""
    found = db.execute(
        "SELECT d.id FROM documents d WHERE EXISTS "
        "(SELECT 1 FROM spans s WHERE s.doc = d.seq AND s.layer = ?) ORDER BY d.seq",
        (layer,),
    )
    return [doc_id for (doc_id,) in found]


def label_depths(db: Connection, layers: Iterable[str] | None = None) -> dict[str, int]:
    """For each label, the most spans of it covering one character of one document layer.

    An exporter with one tag column per label needs this many columns for the label
    to keep every span (1 when spans of the label never overlap). Streams the span
    rows without the texts.
    """
    sql = 'SELECT doc, layer, label, start, "end" FROM spans'
    params: list[str] = []
    if layers is not None:
        params = sorted(set(layers))
        sql += f" WHERE layer IN ({','.join('?' * len(params))})"
    depths: dict[str, int] = {}
    group: tuple[int, str, str] | None = None
    ends: list[int] = []
    for doc, layer, label, start, end in db.execute(
        sql + ' ORDER BY doc, layer, label, start, "end"', params
    ):
        if (doc, layer, label) != group:
            group, ends = (doc, layer, label), []
        while ends and ends[0] <= start:
            heapq.heappop(ends)
        heapq.heappush(ends, end)
        if len(ends) > depths.get(label, 0):
            depths[label] = len(ends)
    return depths
