"""Relations in `annotator merge`: how events move them, what a layer's relations are in
terms both files share, and the relations a merged layer ends with.

Pure helpers for the planner (`annotator.merge`). A relation is compared across files by
what it links: its head's and child's `(start, end, label)` and its own label, never by
ids. Events move relations in two ways: a relation event (its state is
`{"relation", "head", "child", "label"}`) and a span's deletion, whose state lists the
relations that went with the span (`"relations"`), brought back by its undo.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from annotator.merge_records import Content, EventRow, Links, RelationRec, State

LinkContent = tuple[Content | None, Content | None, str]
"""A relation as both files can compare it: head content, child content, label."""


def _load(text: str | None) -> dict[str, Any] | None:
    return json.loads(text) if text else None


def linked(state: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The relation states an event state holds: its own (a relation's), or those a span
    took with it (a deleted span's), or none."""
    if state is None:
        return []
    if "relation" in state:
        return [state]
    return list(state.get("relations", ()))


def links_of(relations: dict[int, RelationRec]) -> Links:
    return {r.id: (r.head, r.child, r.label) for r in relations.values()}


def rewind_links(links: Links, events: Sequence[EventRow]) -> Links:
    """The relations before `events` (the latest last), as `_rewind` does for spans."""
    out = dict(links)
    for event in reversed(events):
        for record in linked(_load(event.after)):
            out.pop(record["relation"], None)
        for record in linked(_load(event.before)):
            out[record["relation"]] = (record["head"], record["child"], record["label"])
    return out


def contents(spans: State, links: Links) -> dict[int, LinkContent]:
    """Relation id -> what it links, by the spans' contents in `spans`."""
    return {
        rid: (spans.get(head), spans.get(child), label)
        for rid, (head, child, label) in links.items()
    }


def relation_ids_of(event: EventRow) -> list[int]:
    """Every relation id an event names, in a fixed order (to pair two copies of it)."""
    return [
        int(record["relation"])
        for text in (event.before, event.after)
        for record in linked(_load(text))
    ]


def translated(
    text: str | None, span_id: Callable[[int], int], relation_id: Callable[[int], int]
) -> str | None:
    """An event state with the other file's span and relation ids replaced by ours."""
    if not text:
        return text
    record = json.loads(text)
    if "id" in record:
        record["id"] = span_id(record["id"])
    for linked_record in linked(record):
        linked_record["relation"] = relation_id(linked_record["relation"])
        linked_record["head"] = span_id(linked_record["head"])
        linked_record["child"] = span_id(linked_record["child"])
    return json.dumps(record, ensure_ascii=False)


def final_relations(
    kept: Iterable[tuple[int, RelationRec]],
    extra: Iterable[tuple[LinkContent, RelationRec]],
    spans: dict[int, Content],
    fresh: Callable[[], int],
) -> dict[int, RelationRec]:
    """The relations a rewritten layer ends with, by their ids here.

    `kept`: the winning side's relations, `(id here, relation with span ids here)`.
    `extra`: event-less relations of the other side (what they link, and the relation),
    which join when both their spans are in the final `spans` (id here -> content) and
    no identical relation is there; each gets a fresh id.
    """
    final = dict(kept)
    by_content = {content: span_id for span_id, content in spans.items()}
    have = {(r.head, r.child, r.label) for r in final.values()}
    for (head, child, label), relation in extra:
        head_id = None if head is None else by_content.get(head)
        child_id = None if child is None else by_content.get(child)
        if head_id is None or child_id is None or (head_id, child_id, label) in have:
            continue
        have.add((head_id, child_id, label))
        new_id = fresh()
        final[new_id] = relation._replace(id=new_id, head=head_id, child=child_id)
    return final
