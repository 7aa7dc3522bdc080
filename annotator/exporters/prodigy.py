"""Prodigy JSONL (`ner_manual`/`spans_manual` answers), as `prodigy db-in` reads it.

    {"text", "meta": {"id", "source"}, "_input_hash", "_task_hash",
     "tokens": [{"text", "start", "end", "id", "ws"}],
     "spans": [{"start", "end", "token_start", "token_end", "label"}], "answer": "accept"}

Tokens are the project's tokenizer; `token_end` is inclusive, as in Prodigy. Character
offsets are exact by default and the token indices are those the span touches; a span
not on token boundaries is noted (Prodigy's manual interfaces want token-aligned spans:
`--align expand|contract|strict` moves or drops them, reported). The hashes are stable
32-bit integers of the text (input) and of text plus spans (task), computed by annotator,
not by Prodigy's own function. One layer per export.

When the scheme declares relations, every record also has `relations` (spaCy's relation
example reads the key in every record), as Prodigy's `rel.manual` writes them: `{"head",
"child", "head_span", "child_span", "label"}`, where `head` and `child` are the last
token of each span (what that example reads as the span's key) and the `_span`s are the
spans as written in `spans`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import IO, Any

from annotator.exporters import ExportOptions, ExportReport
from annotator.exporters.bio import align
from annotator.exporters.common import ALIGN_POLICIES, StreamingExporter, describe
from annotator.exporters.relations import between
from annotator.models import Document, RelationRow, SpanRow
from annotator.store import Store
from annotator.tokenize import TokenIndex


def hash32(*parts: str) -> int:
    """A signed 32-bit integer, as Prodigy's hashes are."""
    digest = hashlib.sha256("\x00".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "little", signed=True)


class ProdigyPart:
    def __init__(self, path: Path, state: dict[str, Any], report: ExportReport) -> None:
        self.handle: IO[str] = path.open("w", encoding="utf-8", newline="\n")
        self.state = state
        self.report = report
        self.encode = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode

    def add(self, document: Document, spans: list[SpanRow], relations: list[RelationRow]) -> int:
        text = document.text
        index = TokenIndex(text)
        starts, ends = index.starts, index.ends
        count, length = len(starts), len(text)
        tokens = [
            {
                "text": text[starts[i] : ends[i]],
                "start": starts[i],
                "end": ends[i],
                "id": i,
                "ws": ends[i] < length and text[ends[i]].isspace(),
            }
            for i in range(count)
        ]
        policy = self.state["policy"]
        out_spans: list[dict[str, Any]] = []
        written: dict[int, int] = {}
        for span in spans:
            item = align(index, span, "expand" if policy == "exact" else policy)
            if item is None:
                reason = (
                    "not on token boundaries (--align strict)"
                    if policy == "strict"
                    else "covers no whole token"
                )
                self.report.dropped.append(describe(document.id, span, text, reason))
                continue
            start, end = span.start, span.end
            if not item.exact:
                if policy == "exact":
                    self.state["unaligned"] += 1
                else:
                    start, end = starts[item.first], ends[item.last - 1]
                    self.report.changed.append(
                        describe(
                            document.id,
                            span,
                            text,
                            f"written as {start}-{end} {text[start:end]!r} (--align {policy})",
                        )
                    )
            written[span.id] = len(out_spans)
            out_spans.append(
                {
                    "start": start,
                    "end": end,
                    "token_start": item.first,
                    "token_end": item.last - 1,
                    "label": span.label,
                }
            )
        links = [
            {
                "head": out_spans[head]["token_end"],
                "child": out_spans[child]["token_end"],
                "head_span": out_spans[head],
                "child_span": out_spans[child],
                "label": label,
            }
            for head, child, label in between(
                document, spans, relations, written, self.report, "prodigy"
            )
        ]
        input_hash = hash32(text)
        answers = [json.dumps(out_spans, sort_keys=True)]
        if links:  # a record without relations keeps the hash it always had
            answers.append(json.dumps(links, sort_keys=True))
        task_hash = hash32(str(input_hash), *answers)
        meta: dict[str, Any] = {"id": document.id}
        if document.source is not None:
            meta["source"] = document.source
        record = {
            "text": text,
            "meta": meta,
            "_input_hash": input_hash,
            "_task_hash": task_hash,
            "tokens": tokens,
            "spans": out_spans,
            **({"relations": links} if self.state["linked"] else {}),
            "answer": "accept",
        }
        self.handle.write(self.encode(record) + "\n")
        return len(out_spans)

    def close(self) -> None:
        self.handle.close()


class ProdigyExporter(StreamingExporter):
    name = "prodigy"
    suffix = ".jsonl"
    single_layer = True
    default_align = "exact"
    align_policies = ALIGN_POLICIES
    represents_relations = True

    def begin(
        self, store: Store, layers: list[str] | None, options: ExportOptions, report: ExportReport
    ) -> Any:
        linked = bool(store.scheme.relations)
        return {"policy": options.align or "exact", "unaligned": 0, "linked": linked}

    def open_part(self, path: Path, split: str | None, state: Any, report: ExportReport) -> Any:
        return ProdigyPart(path, state, report)

    def finish(self, root: Path, state: Any, report: ExportReport, sizes: dict[str, int]) -> None:
        if state["unaligned"]:
            report.notes.append(
                f"{state['unaligned']} spans are not on token boundaries (exact offsets kept; "
                "Prodigy's manual views want token-aligned spans: see --align)"
            )
