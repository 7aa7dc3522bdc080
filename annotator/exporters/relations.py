"""What the formats that hold relations share: each relation between the ids a part wrote.

The export driver passes a part (`RelationPart`) the relations between the spans it
passed; a part may still leave a span out itself (brat: a span of only line breaks;
Prodigy: a span on no whole token). A relation with such an end cannot be written, and
is listed in the loss report like the span, never dropped silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar

from annotator.exporters import ExportReport
from annotator.exporters.common import describe_relation
from annotator.models import Document, RelationRow, SpanRow
from annotator.store import Store

Ref = TypeVar("Ref", int, str)
"""How a format refers to a span: a position (`T3`'s 3, an index) or an id string."""


def between(
    document: Document,
    spans: list[SpanRow],
    relations: list[RelationRow],
    written: Mapping[int, Ref],
    report: ExportReport,
    fmt: str,
) -> list[tuple[Ref, Ref, str]]:
    """`(head, child, label)` in the format's references, sorted (so the output does not
    depend on the order relations were made); `written` maps a span id to its reference.

    A relation whose end the part did not write is reported as dropped.
    """
    found = []
    by_id: dict[int, SpanRow] | None = None
    for relation in relations:
        head, child = written.get(relation.head), written.get(relation.child)
        if head is None or child is None:
            by_id = by_id or {span.id: span for span in spans}
            report.dropped_relations.append(
                describe_relation(
                    document.id,
                    relation,
                    by_id,
                    document.text,
                    f"one of its spans is not representable in {fmt}",
                )
            )
            continue
        found.append((head, child, relation.label))
    found.sort()
    return found


def holds_relations(store: Store, layers: Iterable[str] | None) -> bool:
    """Whether the exported layers (None or `all`: every layer) hold any relation.

    Formats with a second shape for relations (doccano, Prodigy's `relations`, csv's
    second file) choose by this, so that an export of a layer without relations looks
    the same whatever other layers hold, and a round trip gives the same bytes.
    """
    counts = store.relation_counts_by_layer()
    wanted = None if layers is None else list(layers)
    if wanted is None or "all" in wanted:
        return bool(counts)
    return any(counts.get(layer) for layer in wanted)
