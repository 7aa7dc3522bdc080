"""brat standoff: a folder of `NAME.txt` + `NAME.ann` pairs (or one `.ann` file), one unit.

Text-bound annotations (`T` lines) are spans: `T3<TAB>Label 12 20[;25 30]<TAB>text`;
relations (`R1<TAB>says Arg1:T3 Arg2:T7`) link two of them, the first argument the head.
The text column must equal the document at the offsets (fragments joined by a space, as
brat writes it), else the import stops naming the `.ann` file, line and span. A
discontinuous span whose gaps are only whitespace (brat's way of crossing a line break)
becomes one span; other discontinuous spans stop the import, since a span here is one
range. A relation naming something other than a `T` line of its file (an event) is not
imported; it and events, attributes, normalisations and notes are counted in the notes.
The document id is the file's path in the folder without `.ann`; texts are read as they
are (a BOM dropped). A `.txt` without its `.ann` is not imported and is named in the
notes; a link in the folder to a file outside it stops the import (name that file itself
to read it).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from annotator.errors import InputError
from annotator.ingest import Progress, ReadOptions
from annotator.ingest.common import read_text_file, refuse_outside
from annotator.models import NewDocument

RELATION = re.compile(r"^(\S+) [^\s:]+:(\S+) [^\s:]+:(\S+)\s*$")
"""`Type Arg1:T3 Arg2:T7`: brat's relation, its roles named in annotation.conf."""

OFFSETS = re.compile(r"^\d{1,18} \d{1,18}(?:;\d{1,18} \d{1,18})*$", re.ASCII)
"""At most 18 digits: longer numbers are no offsets (and `int()` refuses 4300+ digits)."""
KINDS = {
    "E": "events",
    "A": "attributes",
    "M": "attributes",
    "N": "normalisations",
    "#": "notes",
    "*": "equivalences",
}


def read_brat(
    path: Path, options: ReadOptions, progress: Progress | None = None
) -> Iterator[NewDocument]:
    if path.is_dir():
        root = path
        annotations = sorted(p for p in path.rglob("*.ann") if p.is_file())
        _note_lone_texts(root, options)
    else:
        root = path.parent
        annotations = [path]
    ignored: Counter[str] = Counter()
    done = 0
    for ann in annotations:
        txt = ann.with_suffix(".txt")
        if not txt.is_file():
            raise InputError(str(ann), None, f"no text file {txt.name} beside it")
        if path.is_dir():
            refuse_outside(root, ann)
            refuse_outside(root, txt)
        text = read_text_file(txt)
        content = read_text_file(ann)
        spans: list[tuple[str, int, int, str]] = []
        bound: dict[str, int] = {}
        """T id -> its index in `spans`"""
        links: list[tuple[int, str, str, str]] = []
        """`(line, type, head id, child id)` of each R line, resolved once all T are read"""
        # brat reads .ann files line by line on '\n' only; other separators are text
        for number, line in enumerate(content.split("\n"), start=1):
            line = line.rstrip("\r")
            if not line.strip():
                continue
            if line[0] == "R":
                links.append((number, *_relation(line, ann, number)))
                continue
            if line[0] != "T":
                ignored[KINDS.get(line[0], "other lines")] += 1
                continue
            span = _text_bound(line, text, ann, number, options.default_layer)
            options.label_lines.setdefault(span[3], (str(ann), number))
            bound[line.split("\t", 1)[0]] = len(spans)
            spans.append(span)
        relations = []
        for number, label, head, child in links:
            if head not in bound or child not in bound:
                ignored["relations of events or of missing T lines"] += 1
                continue
            options.relation_lines.setdefault(label, (str(ann), number))
            relations.append((bound[head], bound[child], label))
        doc_id = ann.relative_to(root).with_suffix("").as_posix()
        done += txt.stat().st_size + ann.stat().st_size
        if progress is not None:
            progress(done)
        yield NewDocument(
            text=text,
            id=doc_id,
            source=txt.relative_to(root).as_posix(),
            spans=spans,
            line=None,
            relations=relations,
        )
    listed = ", ".join(f"{count} {kind}" for kind, count in sorted(ignored.items()) if count)
    if listed:
        options.notes.append(f"{path}: not imported (spans and relations only): {listed}")


def _note_lone_texts(root: Path, options: ReadOptions) -> None:
    """Name the `.txt` files that have no `.ann`: brat shows them, this import skips them."""
    lone = sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*.txt")
        if p.is_file() and not p.with_suffix(".ann").is_file()
    )
    if lone:
        options.notes.append(
            f"{root}: {len(lone)} .txt files without .ann not imported (add an empty .ann "
            f"to import them without spans): {', '.join(lone)}"
        )


def _text_bound(
    line: str, text: str, ann: Path, number: int, layer: str
) -> tuple[str, int, int, str]:
    def fail(reason: str) -> InputError:
        return InputError(str(ann), number, reason)

    fields = line.split("\t", 2)
    if len(fields) < 2:
        raise fail("a T line needs an id, 'Label start end' and the text, tab-separated")
    ident, middle = fields[0], fields[1]
    shown = fields[2] if len(fields) == 3 else None
    label, _, offsets = middle.partition(" ")
    if not label or not OFFSETS.match(offsets):
        raise fail(f"{ident}: expected 'Label start end[;start end]', got {middle!r}")
    pieces = [tuple(map(int, part.split(" "))) for part in offsets.split(";")]
    for start, end in pieces:
        if not 0 <= start < end <= len(text):
            raise fail(
                f"{ident}: fragment {start}-{end} is out of range for a text of {len(text)} "
                "characters"
            )
    if shown is not None:
        actual = " ".join(text[a:b] for a, b in pieces)
        if shown != actual:
            hint = ""
            if "\r" in text:
                hint = " (the text has CR line ends; brat counts them as characters too)"
            raise fail(
                f"{ident} {label}: text {shown!r} does not match {actual!r} at {offsets}" + hint
            )
    pieces.sort()
    for (_, end), (start, _) in itertools.pairwise(pieces):
        if start < end or text[end:start].strip():
            raise fail(
                f"{ident} {label}: discontinuous span with text between fragments "
                f"({text[end:start]!r}); only line-crossing spans can be imported"
            )
    return layer, pieces[0][0], pieces[-1][1], label


def _relation(line: str, ann: Path, number: int) -> tuple[str, str, str]:
    """`(type, head id, child id)` of an R line (the text after a second tab is a note)."""
    ident, _, rest = line.partition("\t")
    match = RELATION.match(rest.split("\t", 1)[0])
    if match is None:
        raise InputError(
            str(ann), number, f"{ident}: expected 'Type Arg1:T1 Arg2:T2', got {rest!r}"
        )
    label, head, child = match.groups()
    return label, head, child
