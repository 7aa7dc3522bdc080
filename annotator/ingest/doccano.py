"""doccano JSONL: the sequence-labelling export (`"label": [[start, end, label]]`) and the
`entities` shape (`[{"start_offset", "end_offset", "label"}]`, with `relations`).

doccano's front end counts offsets in UTF-16 units: `--offsets utf16` converts them (a
span that would split an emoji is an error naming the line). A string `id` becomes the
document id (doccano's own integer ids are not kept); keys other than text, label,
entities, relations and id go to the document's meta. `relations` (`{"from_id", "to_id",
"type"}`, doccano's relation extraction) link the entities with those `id`s, head first.

doccano files carry no span text, so UTF-16 offsets read as code points shift without
error while they stay in range. Documents with characters outside the BMP (emoji) are
therefore named in the notes, and when the file's spans fit the other reading better
(more span edges on word boundaries) the note suggests it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.errors import InputError
from annotator.ingest import Progress, ReadOptions
from annotator.ingest.common import check_text, read_json_lines
from annotator.ingest.relation_items import relation_items
from annotator.models import NewDocument
from annotator.offsets import (
    codepoint_to_utf16,
    to_codepoints,
    utf16_length,
    utf16_to_codepoint,
)

KNOWN = frozenset({"text", "label", "entities", "relations", "id", "Comments"})


def read_doccano(
    path: Path, options: ReadOptions, progress: Progress | None = None
) -> Iterator[NewDocument]:
    fit = _Fit(options.offsets)
    for number, record in read_json_lines(path, progress):

        def fail(reason: str, number: int = number) -> InputError:
            return InputError(str(path), number, reason)

        if not isinstance(record, dict):
            raise fail(f"expected a JSON object, got {type(record).__name__}")
        if "text" not in record:
            raise fail("missing required field 'text'")
        text = check_text(record["text"], fail)
        spans: list[tuple[str, int, int, str]] = []
        layer = options.default_layer
        if "label" in record and "entities" in record:
            raise fail("both 'label' and 'entities': which holds the spans?")
        if "label" in record:
            raw = record["label"]
            if not isinstance(raw, list):
                raise fail("'label' must be a list of [start, end, label]")
            for index, item in enumerate(raw):
                if isinstance(item, str):
                    raise fail("'label' holds strings: a text classification export, not spans")
                if not isinstance(item, list) or len(item) != 3:
                    raise fail(f"label[{index}]: expected [start, end, label], got {item!r}")
                spans.append(
                    _span(
                        text,
                        item[0],
                        item[1],
                        item[2],
                        f"label[{index}]",
                        layer,
                        options.offsets,
                        fail,
                    )
                )
        entities = record.get("entities")
        if entities is not None and not isinstance(entities, list):
            raise fail("'entities' must be a list of objects")
        ids: dict[object, int] = {}
        """entity id -> its index in `spans`"""
        for index, item in enumerate(entities or []):
            if not isinstance(item, dict):
                raise fail(f"entities[{index}]: expected an object")
            if isinstance(item.get("id"), int | str):
                ids.setdefault(item["id"], len(spans))
            spans.append(
                _span(
                    text,
                    item.get("start_offset"),
                    item.get("end_offset"),
                    item.get("label"),
                    f"entities[{index}]",
                    layer,
                    options.offsets,
                    fail,
                )
            )
        relations = _relations(record.get("relations"), ids, fail)
        fit.add(text, spans)
        doc_id = record.get("id")
        meta = {key: value for key, value in record.items() if key not in KNOWN}
        yield NewDocument(
            text=text,
            id=doc_id if isinstance(doc_id, str) and doc_id else None,
            source=path.name,
            meta=meta,
            spans=spans,
            line=number,
            relations=relations,
        )
    if fit.documents:
        options.notes.append(f"{path}: {fit.note()}")


def _relations(found: Any, ids: dict[object, int], fail: Any) -> list[tuple[int, int, str]]:
    """`(head, child, type)` per relation, head and child indexing the record's spans."""
    relations = []
    for where, item, name in relation_items(found, "type", fail):
        ends = []
        for key in ("from_id", "to_id"):
            value = item.get(key)
            if not isinstance(value, int | str) or value not in ids:
                raise fail(f"{where}: {key} {value!r} is the id of no entity of this record")
            ends.append(ids[value])
        relations.append((ends[0], ends[1], name))
    return relations


class _Fit:
    """How well a file's spans sit on word edges read as code points and as UTF-16 units.

    Only documents with characters outside the BMP count: elsewhere both readings agree.
    """

    def __init__(self, unit: str) -> None:
        self.unit = unit
        self.documents = 0
        self.edges = 0
        self.codepoint = 0
        self.utf16 = 0

    def add(self, text: str, spans: list[tuple[str, int, int, str]]) -> None:
        units = utf16_length(text)
        if units == len(text):
            return
        self.documents += 1
        for _, start, end, _ in spans:
            # spans hold code points: back to the file's numbers, then read the other way
            if self.unit == "utf16":
                raw = (codepoint_to_utf16(text, start), codepoint_to_utf16(text, end))
            else:
                raw = (start, end)
            self.edges += 2
            if raw[1] <= len(text):
                self.codepoint += _on_edge(text, raw[0]) + _on_edge(text, raw[1])
            if raw[1] <= units:
                try:
                    first, last = utf16_to_codepoint(text, raw[0]), utf16_to_codepoint(text, raw[1])
                except ValueError:  # splits a character: no fit at all
                    continue
                self.utf16 += _on_edge(text, first) + _on_edge(text, last)

    def note(self) -> str:
        note = (
            f"{self.documents} document(s) hold characters outside the BMP (emoji), where "
            f"UTF-16 offsets and code points differ; offsets were read as {self.unit}"
        )
        scores = f"(span edges on word boundaries: {{}} of {self.edges}, against {{}})"
        if self.unit == "codepoint" and self.utf16 > self.codepoint:
            note += "; the spans fit --offsets utf16 better " + scores.format(
                self.utf16, self.codepoint
            )
        elif self.unit == "utf16" and self.codepoint > self.utf16:
            note += "; the spans fit code points better: import without --offsets utf16 " + (
                scores.format(self.codepoint, self.utf16)
            )
        return note


def _on_edge(text: str, position: int) -> int:
    """1 when `position` splits no word (a span edge a careful annotator would choose)."""
    if position <= 0 or position >= len(text):
        return 1
    return int(not (text[position - 1].isalnum() and text[position].isalnum()))


def _span(
    text: str, start: Any, end: Any, label: Any, what: str, layer: str, unit: str, fail: Any
) -> tuple[str, int, int, str]:
    if not isinstance(label, str) or not label:
        raise fail(f"{what}: the label must be a non-empty string, got {label!r}")
    try:
        first, last = to_codepoints(text, start, end, unit, what)
    except ValueError as exc:
        raise fail(str(exc)) from None
    return layer, first, last, label
