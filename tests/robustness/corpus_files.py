"""Generated corpora written in every import format, and what an import of them must store.

A corpus is a few documents of hostile words (escapes, markup, bidi controls, NUL, emoji,
quotes and semicolons) on one or more lines, with labelled token ranges. `write` puts it
in a format the way the tools write it; `expected` is what the store must then hold.
JSON formats also come as records (`records`) with the paths in them whose type an
importer must check (`STRICT`) and their spans' offset fields (`OFFSET_FIELDS`), so a
test can break one value and know on which line the error belongs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from annotator.store import Store, text_hash

WORDS = [
    "Kyiv",
    "NATO",
    "said",
    "東京",
    "🕊️",
    "👩\u200d👩\u200d👧",
    "José",
    "Jose\u0301",
    "“quoted”",
    "don’t",
    "U.S.",
    "\x1b[31mred\x1b[0m",
    "\x1b]0;title\x07",
    "[bold]x[/]",
    "[link=http://x]y[/link]",
    "\u202eevil\u202c",
    "\u2066iso\u2069",
    "bell\x07",
    "nul\x00",
    "\x9bcsi",
    "O'Brien",
    'say"x"',
    "semi;colon",
    "--",
    "DROP\u00a0TABLE",
]
LABELS = ["demand", "guarantor", "quote", "attribution", "opinion"]
LAYER = "gold"

Span = tuple[int, int, str]
Stored = tuple[str, str, tuple[tuple[str, int, int, str], ...]]
"""A document as the store holds it: id, text, sorted `(layer, start, end, label)`."""


@dataclass(frozen=True)
class Doc:
    id: str
    lines: tuple[tuple[str, ...], ...]
    token_spans: tuple[tuple[int, int, int, str], ...]
    """`(line, first token, token after the last, label)`"""

    @property
    def text(self) -> str:
        return "\n".join(" ".join(line) for line in self.lines)

    def starts(self) -> list[list[int]]:
        """The code-point offset of every token, line by line."""
        offsets, position = [], 0
        for line in self.lines:
            row = []
            for token in line:
                row.append(position)
                position += len(token) + 1
            offsets.append(row)
        return offsets

    @property
    def spans(self) -> list[Span]:
        starts = self.starts()
        return sorted(
            (
                starts[line][first],
                starts[line][last - 1] + len(self.lines[line][last - 1]),
                label,
            )
            for line, first, last, label in self.token_spans
        )


@st.composite
def docs(draw: st.DrawFn, nested: bool = True) -> list[Doc]:
    """1-3 documents; `nested=False` keeps a line's spans apart (BIO tags cannot nest)."""
    made = []
    for number in range(draw(st.integers(1, 3))):
        lines = draw(
            st.lists(
                st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(tuple),
                min_size=1,
                max_size=3,
            )
        )
        lines[0] = (f"doc{number}", *lines[0])  # unique texts: no document is a duplicate
        spans: set[tuple[int, int, int, str]] = set()
        for row, line in enumerate(lines):
            bounds = st.integers(0, len(line))
            for a, b, label in draw(
                st.lists(st.tuples(bounds, bounds, st.sampled_from(LABELS)), max_size=3)
            ):
                first, last = min(a, b), max(a, b)
                if first == last:
                    continue
                if not nested and any(r == row and f < last and first < e for r, f, e, _ in spans):
                    continue
                spans.add((row, first, last, label))
        made.append(Doc(f"d{number}", tuple(lines), tuple(sorted(spans))))
    return made


# ---------------------------------------------------------------------- formats

FORMATS = {
    # name: (format given to the importer, file name)
    "txt": ("txt", "doc.txt"),
    "jsonl": ("jsonl", "docs.jsonl"),
    "doccano": ("doccano", "docs.jsonl"),
    "doccano-entities": ("doccano", "docs.jsonl"),
    "prodigy": ("prodigy", "docs.jsonl"),
    "label-studio-json": ("label-studio", "tasks.json"),
    "label-studio-jsonl": ("label-studio", "tasks.jsonl"),
    "conll": ("conll", "docs.conll"),
    "brat": ("brat", "brat"),
}
JSON_LINES = ("jsonl", "doccano", "doccano-entities", "prodigy", "label-studio-jsonl")
JSON_FORMATS = (*JSON_LINES, "label-studio-json")
ONE_LAYER_NO_NESTING = ("conll",)


def record(fmt: str, doc: Doc) -> dict[str, Any]:
    """One document as the JSON record of format `fmt`."""
    text, spans = doc.text, doc.spans
    if fmt == "jsonl":
        return {
            "id": doc.id,
            "text": text,
            "source": "generated",
            "meta": {"k": "v"},
            "spans": [{"start": s, "end": e, "label": label} for s, e, label in spans],
        }
    if fmt == "doccano":
        return {"id": doc.id, "text": text, "label": [[s, e, label] for s, e, label in spans]}
    if fmt == "doccano-entities":
        return {
            "id": doc.id,
            "text": text,
            "entities": [
                {"id": n, "start_offset": s, "end_offset": e, "label": label}
                for n, (s, e, label) in enumerate(spans)
            ],
            "relations": [],
        }
    if fmt == "prodigy":
        return {
            "text": text,
            "spans": [{"start": s, "end": e, "label": label} for s, e, label in spans],
            "meta": {"id": doc.id},
            "answer": "accept",
        }
    if fmt.startswith("label-studio"):
        return {
            "data": {"text": text, "doc_id": doc.id},
            "annotations": [
                {
                    "result": [
                        {
                            "from_name": "label",
                            "to_name": "text",
                            "type": "labels",
                            "value": {
                                "start": s,
                                "end": e,
                                "text": text[s:e],
                                "labels": [label],
                            },
                        }
                        for s, e, label in spans
                    ]
                }
            ],
        }
    raise ValueError(fmt)


def records(fmt: str, corpus: list[Doc]) -> list[dict[str, Any]]:
    return [record(fmt, doc) for doc in corpus]


def serialise(fmt: str, items: list[Any]) -> bytes:
    """JSON lines, or (label-studio-json) an array with task N on line N + 1."""
    dumped = [json.dumps(item, ensure_ascii=False) for item in items]
    if fmt == "label-studio-json":
        return ("[\n" + ",\n".join(dumped) + "\n]\n").encode("utf-8")
    return "".join(line + "\n" for line in dumped).encode("utf-8")


def record_line(fmt: str, index: int) -> int:
    """The line the record `index` starts on in `serialise`'s output."""
    return index + 2 if fmt == "label-studio-json" else index + 1


def span_paths(fmt: str, item: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The path of each span of a record, in `OFFSET_FIELDS` terms."""
    if fmt in ("jsonl", "prodigy"):
        return [("spans", i) for i in range(len(item["spans"]))]
    if fmt == "doccano":
        return [("label", i) for i in range(len(item["label"]))]
    if fmt == "doccano-entities":
        return [("entities", i) for i in range(len(item["entities"]))]
    result = item["annotations"][0]["result"]
    return [("annotations", 0, "result", i, "value") for i in range(len(result))]


OFFSET_FIELDS: dict[str, tuple[Any, Any]] = {
    "jsonl": ("start", "end"),
    "prodigy": ("start", "end"),
    "doccano": (0, 1),
    "doccano-entities": ("start_offset", "end_offset"),
    "label-studio-json": ("start", "end"),
    "label-studio-jsonl": ("start", "end"),
}


def strict_paths(fmt: str, item: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Paths whose value, given another JSON type, must make the import fail."""
    spans = span_paths(fmt, item)
    if fmt == "jsonl":
        fields = ("start", "end", "label")
        return [("text",), ("id",), ("source",), ("meta",), ("spans",)] + [
            p + extra for p in spans for extra in [(), *((f,) for f in fields)]
        ]
    if fmt == "doccano":
        return [("text",), ("label",)] + [p + extra for p in spans for extra in [(), (0,), (1,)]]
    if fmt == "doccano-entities":
        fields = ("start_offset", "end_offset", "label")
        return [("text",), ("entities",), ("relations",)] + [
            p + extra for p in spans for extra in [(), *((f,) for f in fields)]
        ]
    if fmt == "prodigy":
        fields = ("start", "end", "label")
        return [("text",), ("spans",), ("meta",)] + [
            p + extra for p in spans for extra in [(), *((f,) for f in fields)]
        ]
    # label-studio: a region whose `start` is no integer is another kind of region
    # (HTML/XPath ranges) and is skipped with a note, so `start` is not in this list.
    annotation = ("annotations", 0)
    return (
        [
            ("data",),
            ("data", "text"),
            ("annotations",),
            annotation,
            (*annotation, "result"),
        ]
        + [p + extra for p in spans for extra in [("end",), ("text",), ("labels",)]]
        + [p[:-1] for p in spans]
    )


def get(item: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        item = item[key]
    return item


def put(item: Any, path: tuple[Any, ...], value: Any) -> None:
    get(item, path[:-1])[path[-1]] = value


def json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number" if not isinstance(value, float) else "float"
    return type(value).__name__


OTHER_VALUES: list[Any] = [7, 1.5, True, "x", {"k": 1}, [1]]
"""Replacements of another JSON type (an int field given 1.5 is wrong too)."""


# ----------------------------------------------------------------------- writing


def conll_bytes(corpus: list[Doc]) -> bytes:
    out = []
    for doc in corpus:
        out.append("-DOCSTART-\tO\n\n")
        for row, line in enumerate(doc.lines):
            tags = ["O"] * len(line)
            for r, first, last, label in doc.token_spans:
                if r == row:
                    tags[first] = f"B-{label}"
                    for i in range(first + 1, last):
                        tags[i] = f"I-{label}"
            out.extend(f"{token}\t{tag}\n" for token, tag in zip(line, tags, strict=True))
            out.append("\n")
    return "".join(out).encode("utf-8")


def brat_files(corpus: list[Doc]) -> dict[str, bytes]:
    files = {}
    for doc in corpus:
        text = doc.text
        lines = [
            f"T{n}\t{label} {s} {e}\t{text[s:e]}\n"
            for n, (s, e, label) in enumerate(doc.spans, start=1)
        ]
        files[f"{doc.id}.txt"] = text.encode("utf-8")
        files[f"{doc.id}.ann"] = "".join(lines).encode("utf-8")
    return files


def files_of(fmt: str, corpus: list[Doc]) -> dict[str, bytes]:
    """File name (inside the import path's folder) -> content."""
    name = FORMATS[fmt][1]
    if fmt == "txt":
        return {name: corpus[0].text.encode("utf-8")}
    if fmt == "conll":
        return {name: conll_bytes(corpus)}
    if fmt == "brat":
        return brat_files(corpus)
    return {name: serialise(fmt, records(fmt, corpus))}


def write(folder: Path, fmt: str, files: dict[str, bytes]) -> Path:
    """Write the files; returns the path to import (the file, or the brat folder)."""
    root = folder / "brat" if fmt == "brat" else folder
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (root / name).write_bytes(content)
    return root if fmt == "brat" else root / FORMATS[fmt][1]


def expected(fmt: str, corpus: list[Doc]) -> list[Stored]:
    """What the store holds after importing the corpus written in `fmt`."""
    if fmt == "txt":
        text = corpus[0].text
        return [(text_hash(text), text, ())]
    made = []
    for doc in corpus:
        text = doc.text
        doc_id = text_hash(text) if fmt == "conll" else doc.id
        spans = tuple(sorted((LAYER, s, e, label) for s, e, label in doc.spans))
        made.append((doc_id, text, spans))
    return sorted(made)


def stored(store: Store) -> list[Stored]:
    return sorted(
        (
            document.id,
            document.text,
            tuple(sorted((s.layer, s.start, s.end, s.label) for s in spans)),
        )
        for document, spans in store.iter_documents_with_spans()
    )
