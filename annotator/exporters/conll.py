"""CoNLL-2003-style IOB2: a token per line, one tag column per label, `-DOCSTART-` per document.

    -DOCSTART- O O O O O

    Lavrov B-attribution O O O O
    said I-attribution O O O O
    ...

Columns follow the scheme's label order, so spans of different labels may overlap freely.
A label whose spans overlap each other (a quote inside a quote) gets numbered extra
columns: as many as the most spans of that label covering one character anywhere in the
export (found by a first pass over the span rows, without the texts). Sentences end at
line breaks and full stops (see `bio.sentence_starts`) but never inside a span, so every
column reads the same under strict IOB2 and lenient chunking.

Lossy by nature: whitespace and document ids are not kept, and spans not on token
boundaries are aligned (`--align expand|contract|strict`) and reported. Whitespace at a
span's edges is no token: the span is tagged without it (noted, not a loss), and a span
of only whitespace is dropped (reported).
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from annotator.exporters import ExportOptions, ExportReport
from annotator.exporters.bio import Aligned, align, bio_tags, levels, sentence_starts, trim
from annotator.exporters.common import ALIGN_POLICIES, StreamingExporter, describe
from annotator.models import Document, SpanRow
from annotator.store import Store
from annotator.tokenize import TokenIndex

DOCSTART = "-DOCSTART-"


def column_layout(store: Store, layers: list[str] | None) -> list[tuple[str, int]]:
    """`(label, level)` per tag column: every scheme label, plus levels its overlaps need."""
    depths = store.label_depths(layers)
    return [
        (label, level)
        for label in store.scheme.label_names
        for level in range(1, max(1, depths.get(label, 0)) + 1)
    ]


def align_document(
    document: Document,
    spans: list[SpanRow],
    policy: str,
    report: ExportReport,
    lossy: bool,
    trimmed: str = "(whitespace at its edges)",
) -> tuple[TokenIndex, list[Aligned]]:
    """Tokenize and align; misses go to `report.dropped`, moved spans to `changed` if `lossy`.

    When the format keeps exact offsets elsewhere (`lossy` False) moved spans are only
    counted, in `report.notes` by the caller. Whitespace at a span's edges is left out
    before aligning (it is no token), and each span trimmed so is listed in `report.notes`
    (ending with `trimmed`: where and why); a span of only whitespace is dropped.
    """
    text = document.text
    index = TokenIndex(text)
    aligned: list[Aligned] = []
    for span in spans:
        start, end = span.start, span.end
        bounds = None
        if start < end and (text[start].isspace() or text[end - 1].isspace()):
            bounds = trim(text, start, end)
            if bounds[0] == bounds[1]:
                report.dropped.append(
                    describe(document.id, span, text, "covers no whole token (only whitespace)")
                )
                continue
            start, end = bounds
            report.notes.append(
                describe(
                    document.id,
                    span,
                    text,
                    f"trimmed to {start}-{end} {text[start:end]!r} {trimmed}",
                )
            )
        item = align(index, span, policy, bounds)
        if item is None:
            reason = (
                "not on token boundaries (--align strict)"
                if policy == "strict"
                else "covers no whole token"
            )
            report.dropped.append(describe(document.id, span, text, reason))
            continue
        if not item.exact and lossy:
            start, end = index.starts[item.first], index.ends[item.last - 1]
            report.changed.append(
                describe(
                    document.id,
                    span,
                    text,
                    f"written as {start}-{end} {text[start:end]!r} (--align {policy})",
                )
            )
        aligned.append(item)
    return index, aligned


class ConllState:
    def __init__(self, columns: list[tuple[str, int]], policy: str) -> None:
        self.columns = columns
        self.policy = policy
        self.used: dict[str, int] = {}
        """label -> highest level that holds a span"""
        self.paths: list[Path] = []


class ConllPart:
    def __init__(self, path: Path, state: ConllState, report: ExportReport) -> None:
        self.handle: IO[str] = path.open("w", encoding="utf-8", newline="\n")
        state.paths.append(path)
        self.state = state
        columns = state.columns
        policy = state.policy
        self.columns = {column: number for number, column in enumerate(columns)}
        self.width = len(columns)
        self.policy = policy
        self.report = report
        self.docstart = DOCSTART + " O" * self.width + "\n\n"

    def add(self, document: Document, spans: list[SpanRow]) -> int:
        text = document.text
        index, aligned = align_document(document, spans, self.policy, self.report, lossy=True)
        by_column: dict[int, list[Aligned]] = {}
        written: list[Aligned] = []
        # Two spans of a label on the same tokens are one chunk in IOB2: keep the first.
        unique: dict[tuple[int, int, str], Aligned] = {}
        for item in aligned:
            key = (item.first, item.last, item.span.label)
            if key in unique:
                self.report.dropped.append(
                    describe(
                        document.id,
                        item.span,
                        text,
                        f"on the same tokens as the {item.span.label} span "
                        f"{unique[key].span.start}-{unique[key].span.end}",
                    )
                )
                continue
            unique[key] = item
        used = self.state.used
        for item, level in levels(list(unique.values())):
            number = self.columns.get((item.span.label, level))
            if number is None:
                self.report.dropped.append(
                    describe(
                        document.id,
                        item.span,
                        text,
                        f"overlaps {level - 1} other {item.span.label} span(s) on the same "
                        "tokens; no column left for it",
                    )
                )
                continue
            by_column.setdefault(number, []).append(item)
            written.append(item)
            if level > used.get(item.span.label, 0):
                used[item.span.label] = level
        count = len(index)
        outside = ["O"] * count
        columns = [
            bio_tags(count, by_column[number], label) if number in by_column else outside
            for (label, _level), number in self.columns.items()
        ]
        starts, ends = index.starts, index.ends
        tokens = [text[start:end] for start, end in zip(starts, ends, strict=True)]
        rows = [line + "\n" for line in map(" ".join, zip(tokens, *columns, strict=True))]
        out = [self.docstart]
        breaks = sentence_starts(text, index, written, tokens)
        bounds = [*breaks, count]
        for sentence in range(len(breaks)):
            out.extend(rows[bounds[sentence] : bounds[sentence + 1]])
            out.append("\n")
        self.handle.write("".join(out))
        return len(written)

    def close(self) -> None:
        self.handle.close()


class ConllExporter(StreamingExporter):
    name = "conll"
    suffix = ".conll"
    single_layer = True
    align_policies = ALIGN_POLICIES

    def begin(
        self, store: Store, layers: list[str] | None, options: ExportOptions, report: ExportReport
    ) -> Any:
        return ConllState(column_layout(store, layers), options.align or self.default_align)

    def open_part(self, path: Path, split: str | None, state: Any, report: ExportReport) -> Any:
        return ConllPart(path, state, report)

    def finish(self, root: Path, state: Any, report: ExportReport, sizes: dict[str, int]) -> None:
        """Drop extra level columns no span needed once aligned to tokens (rare: rewrites)."""
        unused = [
            number
            for number, (label, level) in enumerate(state.columns)
            if level > 1 and level > state.used.get(label, 0)
        ]
        if unused:
            fields = {number + 1 for number in unused}
            for path in state.paths:
                _drop_columns(path, fields)
        extra = [
            f"{label}#{level}"
            for number, (label, level) in enumerate(state.columns)
            if level > 1 and number not in unused
        ]
        if extra:
            report.notes.append(
                "overlapping spans of one label needed extra columns: " + ", ".join(extra)
            )


def _drop_columns(path: Path, fields: set[int]) -> None:
    temp = path.with_name(path.name + ".columns")
    with (
        path.open(encoding="utf-8", newline="\n") as source,
        temp.open("w", encoding="utf-8", newline="\n") as target,
    ):
        for line in source:
            if line == "\n":
                target.write(line)
                continue
            parts = line.rstrip("\n").split(" ")
            target.write(" ".join(p for i, p in enumerate(parts) if i not in fields) + "\n")
    temp.replace(path)
