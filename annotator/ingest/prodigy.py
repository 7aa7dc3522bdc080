"""Prodigy JSONL: `{"text", "tokens"?, "spans": [{"start", "end", "label", ...}], "answer"}`.

Spans are character offsets (code points, as Prodigy counts in Python). Where a record
carries tokens, every token's text must equal the document at its offsets, and a span's
`token_start`/`token_end` (inclusive) must be the tokens at its ends: both catch files
whose offsets were shifted. Only accepted answers are imported (rejected and ignored
ones are counted in the notes). `meta.id` and `meta.source` become the document's id and
source; the rest of `meta` its meta. `relations` (`rel.manual`) link two of the spans:
each end is the span its `head_span`/`child_span` names (start, end, label), or, without
one, the only span whose last token is `head`/`child`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.errors import InputError
from annotator.ingest import Progress, ReadOptions
from annotator.ingest.common import check_text, mismatch, read_json_lines
from annotator.ingest.relation_items import relation_items
from annotator.models import NewDocument
from annotator.offsets import to_codepoints


def read_prodigy(
    path: Path, options: ReadOptions, progress: Progress | None = None
) -> Iterator[NewDocument]:
    skipped: Counter[str] = Counter()
    for number, record in read_json_lines(path, progress):

        def fail(reason: str, number: int = number) -> InputError:
            return InputError(str(path), number, reason)

        if not isinstance(record, dict):
            raise fail(f"expected a JSON object, got {type(record).__name__}")
        answer = record.get("answer", "accept")
        if answer != "accept":
            skipped[str(answer)] += 1
            continue
        if "text" not in record:
            raise fail("missing required field 'text'")
        text = check_text(record["text"], fail)
        tokens = record.get("tokens")
        if tokens is not None:
            _check_tokens(text, tokens, options.offsets, fail)
        spans: list[tuple[str, int, int, str]] = []
        raw_spans = record.get("spans")
        if raw_spans is None:
            raw_spans = []
        if not isinstance(raw_spans, list):
            raise fail("'spans' must be a list")
        for index, span in enumerate(raw_spans):
            what = f"spans[{index}]"
            if not isinstance(span, dict):
                raise fail(f"{what}: expected an object")
            label = span.get("label")
            if not isinstance(label, str) or not label:
                raise fail(f"{what}: 'label' must be a non-empty string")
            try:
                start, end = to_codepoints(
                    text, span.get("start"), span.get("end"), options.offsets, what
                )
            except ValueError as exc:
                raise fail(str(exc)) from None
            if "text" in span and span["text"] != text[start:end]:
                raise fail(
                    f"{what}: "
                    + mismatch(
                        text,
                        start,
                        end,
                        span["text"],
                        options.offsets,
                        (span["start"], span["end"]),
                    )
                )
            if tokens is not None and "token_start" in span and options.offsets == "codepoint":
                _check_token_indices(span, start, end, tokens, what, fail)
            spans.append((options.default_layer, start, end, label))
        ends = [(span["start"], span["end"], span.get("token_end")) for span in raw_spans]
        relations = _relations(record.get("relations"), ends, spans, fail)
        meta = record.get("meta")
        if meta is None:
            meta = {}
        if not isinstance(meta, dict):
            raise fail("'meta' must be an object")
        doc_id = meta.get("id")
        source = meta.get("source")
        rest = {k: v for k, v in meta.items() if k not in ("id", "source")}
        yield NewDocument(
            text=text,
            id=doc_id if isinstance(doc_id, str) and doc_id else None,
            source=source if isinstance(source, str) else None,
            meta=rest,
            spans=spans,
            line=number,
            relations=relations,
        )
    if skipped:
        listed = ", ".join(f"{count} {answer}" for answer, count in sorted(skipped.items()))
        options.notes.append(f"{path}: answers not imported: {listed}")


def _relations(
    found: Any,
    ends: list[tuple[Any, Any, Any]],
    spans: list[tuple[str, int, int, str]],
    fail: Any,
) -> list[tuple[int, int, str]]:
    """`(head, child, label)` per relation, indexing `spans`; `ends` are the raw `start`,
    `end` and `token_end` of each span, as the relation's `_span`s repeat them."""
    relations = []
    for where, item, label in relation_items(found, "label", fail):
        found_ends = []
        for key in ("head", "child"):
            named = item.get(f"{key}_span")
            if isinstance(named, dict):
                wanted = (named.get("start"), named.get("end"), named.get("label"))
                matches = [
                    i
                    for i, (start, end, _) in enumerate(ends)
                    if (start, end, spans[i][3]) == wanted
                ]
                what = f"{key}_span {wanted[0]!r}-{wanted[1]!r} {wanted[2]!r}"
            else:
                token = item.get(key)
                matches = [i for i, (_, _, last) in enumerate(ends) if last == token]
                what = f"{key} token {token!r}"
            if len(set(spans[i] for i in matches)) != 1:
                problem = (
                    "is no span of the record" if not matches else "is the end of several spans"
                )
                raise fail(f"{where}: {what} {problem}")
            found_ends.append(matches[0])
        relations.append((found_ends[0], found_ends[1], label))
    return relations


def _check_tokens(text: str, tokens: Any, unit: str, fail: Any) -> None:
    if not isinstance(tokens, list):
        raise fail("'tokens' must be a list")
    for index, token in enumerate(tokens):
        if not isinstance(token, dict):
            raise fail(f"tokens[{index}]: expected an object")
        try:
            start, end = to_codepoints(
                text, token.get("start"), token.get("end"), unit, f"tokens[{index}]"
            )
        except ValueError as exc:
            raise fail(str(exc)) from None
        if "text" in token and token["text"] != text[start:end]:
            raise fail(
                f"tokens[{index}]: "
                + mismatch(text, start, end, token["text"], unit, (token["start"], token["end"]))
            )


def _check_token_indices(
    span: dict[str, Any], start: int, end: int, tokens: list[Any], what: str, fail: Any
) -> None:
    first, last = span.get("token_start"), span.get("token_end")
    if type(first) is not int or type(last) is not int or not 0 <= first <= last < len(tokens):
        raise fail(f"{what}: token_start/token_end {first!r}-{last!r} are not token indices")
    # the span touches exactly the tokens first..last (it may start or end in whitespace)
    ends = [token.get("end") for token in tokens]
    starts = [token.get("start") for token in tokens]
    touches = start < ends[first] and end > starts[last]
    before_ok = first == 0 or start >= ends[first - 1]
    after_ok = last == len(tokens) - 1 or end <= starts[last + 1]
    if not (touches and before_ok and after_ok):
        raise fail(
            f"{what}: tokens {first}-{last} do not hold the span {start}-{end} (shifted offsets?)"
        )
