"""JSON Lines: one document per line, `text` required; `id`, `source`, `meta`, `spans`,
`relations` optional.

Spans are `{"start", "end", "label", "annotator"?, "text"?, "origin"?}` in code points
(`origin`: the suggestion source a span was accepted from). A span that
carries its `text` must match the document there: that catches the classic UTF-16 shift
of files written by JavaScript tools. Relations are `{"head", "child", "label"}`, head and
child indexing the record's `spans` (two spans of one layer: a relation takes its layer
from them); the store checks their label against the scheme. This is also the format
`annotator export jsonl` writes, so an export re-imports losslessly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from annotator.errors import InputError
from annotator.ingest import Progress
from annotator.ingest.common import read_json_lines
from annotator.models import NewDocument, check_name
from annotator.suggest import Source

DOCUMENT_FIELDS = frozenset({"id", "text", "source", "meta", "spans", "relations"})
RELATION_FIELDS = frozenset({"head", "child", "label"})
SPAN_FIELDS = frozenset({"start", "end", "label", "annotator", "text", "origin"})
ORIGINS = frozenset(source.value for source in Source)


def check_text(text: str, path: str, line: int | None) -> None:
    """Refuse text the database cannot hold faithfully (lone surrogates from bad escapes)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(path, line, f"text holds an unpaired surrogate at {exc.start}") from exc


def read_jsonl(
    path: Path, default_layer: str, progress: Progress | None = None
) -> Iterator[NewDocument]:
    name = str(path)
    for number, record in read_json_lines(path, progress):
        yield parse_record(record, name, number, default_layer, path.name)


def parse_record(
    record: Any, name: str, number: int, default_layer: str, default_source: str
) -> NewDocument:
    def fail(reason: str) -> InputError:
        return InputError(name, number, reason)

    if not isinstance(record, dict):
        raise fail(f"expected a JSON object, got {type(record).__name__}")
    if not record.keys() <= DOCUMENT_FIELDS:
        unknown = sorted(set(record) - DOCUMENT_FIELDS)[0]
        raise fail(f"unknown field {unknown!r} (allowed: {', '.join(sorted(DOCUMENT_FIELDS))})")
    text = record.get("text")
    if text is None:
        raise fail("missing required field 'text'")
    if not isinstance(text, str):
        raise fail(f"'text' must be a string, got {type(text).__name__}")
    check_text(text, name, number)
    doc_id = record.get("id")
    if doc_id is not None and (not isinstance(doc_id, str) or not doc_id):
        raise fail("'id' must be a non-empty string")
    source = record.get("source", default_source)
    if source is not None and not isinstance(source, str):
        raise fail("'source' must be a string")
    meta = record.get("meta", {})
    if not isinstance(meta, dict):
        raise fail("'meta' must be a JSON object")
    raw_spans = record.get("spans", [])
    if not isinstance(raw_spans, list):
        raise fail("'spans' must be a list")
    spans: list[tuple[str, int, int, str]] = []
    origins: dict[int, str] = {}
    length = len(text)
    for index, span in enumerate(raw_spans):
        # Fast path for the common, valid span; anything odd goes to _parse_span, which
        # either accepts it or raises the precise error.
        if (
            type(span) is dict
            and type(start := span.get("start")) is int
            and type(end := span.get("end")) is int
            and type(label := span.get("label")) is str
            and 0 <= start < end <= length
            and span.keys() <= SPAN_FIELDS
            and type(layer := span.get("annotator", default_layer)) is str
            and _layer_problem(layer) is None
            and ("text" not in span or span["text"] == text[start:end])
        ):
            spans.append((layer, start, end, label))
        else:
            spans.append(_parse_span(span, index, text, default_layer, fail))
        if "origin" in span:
            origin = span["origin"]
            if type(origin) is not str or origin not in ORIGINS:
                raise fail(
                    f"spans[{index}]: 'origin' must be one of {', '.join(sorted(ORIGINS))}, "
                    f"got {origin!r}"
                )
            origins[index] = origin
    relations = _parse_relations(record.get("relations", []), spans, fail)
    return NewDocument(
        text=text,
        id=doc_id,
        source=source,
        meta=meta,
        spans=spans,
        origins=origins,
        line=number,
        relations=relations,
    )


def _parse_relations(
    raw: Any, spans: list[tuple[str, int, int, str]], fail: Callable[[str], InputError]
) -> list[tuple[int, int, str]]:
    """`(head, child, label)` per relation: indexes in range, two spans of one layer."""
    if not isinstance(raw, list):
        raise fail("'relations' must be a list")
    found = []
    for index, relation in enumerate(raw):
        where = f"relations[{index}]"
        if type(relation) is not dict:
            raise fail(f"{where}: expected an object")
        if relation.keys() != RELATION_FIELDS:
            unknown = sorted(set(relation) - RELATION_FIELDS)
            if unknown:
                raise fail(f"{where}: unknown field {unknown[0]!r}")
            missing = sorted(RELATION_FIELDS - set(relation))[0]
            raise fail(f"{where}: missing required field {missing!r}")
        head, child, label = relation["head"], relation["child"], relation["label"]
        for key, value in (("head", head), ("child", child)):
            if type(value) is not int:
                raise fail(f"{where}: '{key}' must be an index into 'spans'")
            if not 0 <= value < len(spans):
                raise fail(
                    f"{where}: '{key}' is {value}, but the record has {len(spans)} spans "
                    f"(indexes 0-{len(spans) - 1})"
                    if spans
                    else f"{where}: '{key}' is {value}, but the record has no spans"
                )
        if type(label) is not str:
            raise fail(f"{where}: 'label' must be a string")
        if head == child:
            raise fail(f"{where}: head and child are both spans[{head}]; a relation links two")
        if spans[head][0] != spans[child][0]:
            raise fail(
                f"{where}: spans[{head}] is in layer {spans[head][0]!r} and spans[{child}] in "
                f"{spans[child][0]!r}; a relation links two spans of one layer"
            )
        found.append((head, child, label))
    return found


def _parse_span(
    span: Any, index: int, text: str, default_layer: str, fail: Callable[[str], InputError]
) -> tuple[str, int, int, str]:
    """Check one span; the common, valid case costs a handful of type checks."""
    if type(span) is not dict:
        raise fail(f"spans[{index}]: expected an object")
    if not span.keys() <= SPAN_FIELDS:
        unknown = sorted(set(span) - SPAN_FIELDS)[0]
        raise fail(f"spans[{index}]: unknown field {unknown!r}")
    start, end, label = span.get("start"), span.get("end"), span.get("label")
    if type(start) is not int or type(end) is not int:
        key = "start" if type(start) is not int else "end"
        raise fail(f"spans[{index}]: '{key}' must be an integer")
    if type(label) is not str:
        raise fail(f"spans[{index}]: 'label' must be a string")
    if not 0 <= start < end <= len(text):
        raise fail(
            f"spans[{index}]: offsets {start}-{end} out of range for a text of "
            f"{len(text)} characters"
        )
    if "text" in span and span["text"] != text[start:end]:
        raise fail(
            f"spans[{index}]: text {span['text']!r} does not match {text[start:end]!r} "
            f"at {start}-{end}"
        )
    layer = span.get("annotator", default_layer)
    if type(layer) is not str:
        raise fail(f"spans[{index}]: 'annotator' must be a string")
    problem = _layer_problem(layer)
    if problem:
        raise fail(f"spans[{index}]: {problem}")
    return layer, start, end, label


@lru_cache(maxsize=1024)
def _layer_problem(layer: str) -> str | None:
    """Cached: a file repeats a few annotator names on every line."""
    try:
        check_name(layer, "annotator")
    except ValueError as exc:
        return str(exc)
    return None
