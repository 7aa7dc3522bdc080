"""brat standoff: a folder with `ID.txt` and `ID.ann` per document, plus brat's config files.

    T1<TAB>demand 12 42<TAB>Kyiv must abandon its NATO bid

Texts are written as brat reads them: UTF-8 without BOM, LF line ends (CRLF and lone CR
become LF, offsets shifted to match; such documents are noted). A span that crosses a
line break becomes a discontinuous span of fragments (`T1<TAB>quote 0 12;13 20`), which
the importer joins again. File names are the document ids made safe: letters, digits,
`.`, `_` and `-` only, never hidden, starting with `-`, reserved or over 100 characters, and unique
(case-insensitively); a name that had to change gets a hash of the id appended.
A relation is an `R` line between the `T` lines of its spans, head first, as brat
writes them:

    R1<TAB>says Arg1:T3 Arg2:T7<TAB>

`annotation.conf` and `visual.conf` declare the labels, the relations (`says
Arg1:attribution, Arg2:quote|demand|opinion`) and their colours. One layer per export.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
from pathlib import Path
from typing import Any

from annotator.exporters import ExportOptions, ExportReport
from annotator.exporters.common import StreamingExporter, describe
from annotator.exporters.relations import between
from annotator.models import Document, RelationRow, SpanRow
from annotator.store import Store

UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
RESERVED = frozenset(
    ["con", "prn", "aux", "nul"] + [f"com{i}" for i in range(10)] + [f"lpt{i}" for i in range(10)]
)
MAX_NAME = 100


def safe_name(doc_id: str, taken: set[str]) -> str:
    """A file stem for `doc_id` that is safe everywhere and unique in `taken` (lowercased)."""
    name = UNSAFE.sub("_", doc_id)[:MAX_NAME]
    if name.startswith((".", "-")) or not name:  # hidden files; names read as options
        name = "_" + name
    lowered = name.lower()
    if name != doc_id or lowered.split(".")[0] in RESERVED or lowered in taken:
        digest = hashlib.sha256(doc_id.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        name = f"{name[: MAX_NAME - 9]}-{digest}"
        while name.lower() in taken:
            digest = hashlib.sha256(digest.encode()).hexdigest()[:8]
            name = f"{name[: MAX_NAME - 9]}-{digest}"
    taken.add(name.lower())
    return name


def to_lf(text: str) -> tuple[str, list[int]]:
    """Text with LF line ends, and the sorted positions of the CRs removed from CRLF."""
    if "\r" not in text:
        return text, []
    removed = [match.start() for match in re.finditer("\r\n", text)]
    return text.replace("\r\n", "\n").replace("\r", "\n"), removed


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """`[start, end)` cut at line breaks into non-empty pieces."""
    pieces, position = [], start
    while position < end:
        newline = text.find("\n", position, end)
        stop = end if newline < 0 else newline
        if stop > position:
            pieces.append((position, stop))
        position = stop + 1
    return pieces


class BratPart:
    def __init__(self, folder: Path, state: dict[str, Any], report: ExportReport) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.state = state
        self.report = report

    def add(self, document: Document, spans: list[SpanRow], relations: list[RelationRow]) -> int:
        original = document.text
        text, removed = to_lf(original)
        if removed or "\r" in original:
            self.state["line_ends"] += 1

        def shift(offset: int) -> int:
            return offset - bisect_left(removed, offset) if removed else offset

        # (start, end, label, fragments, span id) in the order the store gives spans of LF text
        entries: list[tuple[int, int, str, list[tuple[int, int]], int]] = []
        seen: set[tuple[str, tuple[tuple[int, int], ...]]] = set()
        for span in spans:
            start, end = shift(span.start), shift(span.end)
            pieces = fragments(text, start, end)
            if not pieces:
                self.report.dropped.append(
                    describe(document.id, span, original, "only line breaks; brat cannot hold it")
                )
                continue
            key = (span.label, tuple(pieces))
            if key in seen:
                self.report.dropped.append(
                    describe(document.id, span, original, "the same as another span with LF ends")
                )
                continue
            seen.add(key)
            if pieces[0][0] != start or pieces[-1][1] != end:
                self.report.changed.append(
                    describe(
                        document.id,
                        span,
                        original,
                        "written without its leading or trailing line break",
                    )
                )
            entries.append((pieces[0][0], pieces[-1][1], span.label, pieces, span.id))
        entries.sort(key=lambda entry: entry[:3])
        lines = []
        numbers: dict[int, int] = {}
        for number, (_, _, label, pieces, span_id) in enumerate(entries, start=1):
            offsets = ";".join(f"{a} {b}" for a, b in pieces)
            shown = " ".join(text[a:b] for a, b in pieces)
            lines.append(f"T{number}\t{label} {offsets}\t{shown}\n")
            numbers[span_id] = number
        linked = between(document, spans, relations, numbers, self.report, "brat")
        for number, (head, child, label) in enumerate(linked, start=1):
            lines.append(f"R{number}\t{label} Arg1:T{head} Arg2:T{child}\t\n")
        name = safe_name(document.id, self.state["taken"])
        (self.folder / f"{name}.txt").write_text(text, encoding="utf-8", newline="")
        (self.folder / f"{name}.ann").write_text("".join(lines), encoding="utf-8", newline="")
        return len(entries)

    def close(self) -> None:
        pass


class BratExporter(StreamingExporter):
    name = "brat"
    suffix = ""
    single_layer = True
    folder = True
    represents_relations = True

    def begin(
        self, store: Store, layers: list[str] | None, options: ExportOptions, report: ExportReport
    ) -> Any:
        return {"taken": set(), "line_ends": 0, "scheme": store.scheme}

    def part_path(self, root: Path, split: str | None) -> Path:
        return root / split if split else root

    def open_part(self, path: Path, split: str | None, state: Any, report: ExportReport) -> Any:
        return BratPart(path, state, report)

    def finish(self, root: Path, state: Any, report: ExportReport, sizes: dict[str, int]) -> None:
        scheme = state["scheme"]
        entities = "".join(f"{label.name}\n" for label in scheme.labels)
        relations = "".join(
            f"{relation.name}\tArg1:{'|'.join(relation.heads)}, "
            f"Arg2:{'|'.join(relation.children)}\n"
            for relation in scheme.relations
        )
        (root / "annotation.conf").write_text(
            f"[entities]\n{entities}\n[relations]\n{relations}\n[events]\n\n[attributes]\n",
            encoding="utf-8",
        )
        colours = "".join(f"{label.name}\tbgColor:{label.color}\n" for label in scheme.labels)
        colours += "".join(
            f"{relation.name}\tcolor:{relation.color}\n" for relation in scheme.relations
        )
        (root / "visual.conf").write_text(f"[labels]\n\n[drawing]\n{colours}", encoding="utf-8")
        if state["line_ends"]:
            report.notes.append(
                f"{state['line_ends']} documents had CR or CRLF line ends: written with LF "
                "(offsets shifted to match)"
            )
