"""doccano JSONL: the sequence-labelling export (`"label": [[start, end, label]]`) and the
`entities` shape (`[{"start_offset", "end_offset", "label"}]`, with `relations`).

doccano's front end counts offsets in UTF-16 units: `--offsets utf16` converts them (a
span that would split an emoji is an error naming the line). A string `id` becomes the
document id (doccano's own integer ids are not kept); keys other than text, label,
entities, relations and id go to the document's meta. Relations are not imported (noted).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.errors import InputError
from annotator.ingest import Progress, ReadOptions
from annotator.ingest.common import check_text, read_json_lines
from annotator.models import NewDocument
from annotator.offsets import to_codepoints

KNOWN = frozenset({"text", "label", "entities", "relations", "id", "Comments"})


def read_doccano(
    path: Path, options: ReadOptions, progress: Progress | None = None
) -> Iterator[NewDocument]:
    relations = 0
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
        for index, item in enumerate(entities or []):
            if not isinstance(item, dict):
                raise fail(f"entities[{index}]: expected an object")
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
        found = record.get("relations")
        if found is not None and not isinstance(found, list):
            raise fail("'relations' must be a list")
        relations += len(found or [])
        doc_id = record.get("id")
        meta = {key: value for key, value in record.items() if key not in KNOWN}
        yield NewDocument(
            text=text,
            id=doc_id if isinstance(doc_id, str) and doc_id else None,
            source=path.name,
            meta=meta,
            spans=spans,
            line=number,
        )
    if relations:
        options.notes.append(f"{path}: {relations} relations not imported (spans only)")


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
