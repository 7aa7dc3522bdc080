"""Round trips on generated corpora: export -> import into an empty project -> export again.

For every format that has an importer the second export must be byte for byte the first
one. The corpora are built from pieces that break naive tools: emoji with ZWJ and
variation selectors, CJK, combining marks, CRLF, tabs, double spaces, typographic
quotes; spans overlap, nest, repeat across labels and start or end anywhere.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.exporters import ExportOptions, get_exporter
from annotator.ingest import import_file
from annotator.scheme import load_scheme
from annotator.store import NewDocument, Store

PIECES = [
    "Kyiv",
    "NATO",
    "said",
    "must",
    "東京",
    "会議",
    "🕊️",
    "👩‍👩‍👧",
    "🤝",
    "José",
    "Jose\u0301",
    "naïve",
    "“",
    "”",
    ",",
    ".",
    "—",
    "U.S.",
    "don’t",
    "Ünïcödé",
]
GAPS = [" ", " ", " ", "  ", "\t", "\r\n", "\n", ""]
LABELS = ["demand", "guarantor", "quote", "attribution", "opinion"]


@st.composite
def documents(draw: st.DrawFn, layers: tuple[str, ...]) -> list[NewDocument]:
    count = draw(st.integers(1, 3))
    made = []
    for number in range(count):
        pieces = draw(
            st.lists(
                st.tuples(st.sampled_from(PIECES), st.sampled_from(GAPS)), min_size=1, max_size=12
            )
        )
        text = f"doc{number} " + "".join(word + gap for word, gap in pieces)
        bounds = st.integers(0, len(text))
        spans = set()
        for start, end, label, layer in draw(
            st.lists(
                st.tuples(bounds, bounds, st.sampled_from(LABELS), st.sampled_from(layers)),
                max_size=8,
            )
        ):
            if start != end:
                spans.add((layer, min(start, end), max(start, end), label))
        made.append(NewDocument(text=text, id=f"d{number}", spans=sorted(spans)))
    return made


def snapshot(path: Path) -> dict[str, bytes]:
    if path.is_file():
        return {"": path.read_bytes()}
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in path.rglob("*") if p.is_file()}


def round_trip(
    fmt: str, docs: list[NewDocument], layers: list[str] | None, **options: object
) -> None:
    _, scheme_text = load_scheme()
    opts = ExportOptions(**options)  # type: ignore[arg-type]
    offsets = opts.offsets
    exporter = get_exporter(fmt)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        with Store.create(root / "one.db", scheme_text, "test") as one:
            with one.transaction():
                one.import_documents(docs)
            first = root / f"first{exporter.suffix}"
            exporter.export(one, first, layers, opts)
        with Store.create(root / "two.db", scheme_text, "test") as two:
            source = first if fmt != "label-studio" else first / "tasks.json"
            import_file(two, source, format=fmt, offsets=offsets)
            second = root / f"second{exporter.suffix}"
            exporter.export(two, second, layers, opts)
        assert snapshot(second) == snapshot(first)


# ROUNDTRIP_EXAMPLES=500 for a long local run
PROPERTY = settings(
    max_examples=int(os.environ.get("ROUNDTRIP_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.mark.parametrize(
    ("fmt", "options"),
    [
        ("jsonl", {}),
        ("doccano", {}),
        ("doccano", {"offsets": "utf16"}),
        ("prodigy", {}),
        ("brat", {}),
        ("conll", {}),
    ],
)
@PROPERTY
@given(docs=documents(("gold",)))
def test_single_layer_formats_round_trip(fmt: str, options: dict, docs: list[NewDocument]) -> None:
    round_trip(fmt, docs, None, **options)


@pytest.mark.parametrize("offsets", ["codepoint", "utf16"])
@PROPERTY
@given(docs=documents(("gold", "alice", "predictions")))
def test_label_studio_round_trips_every_layer(offsets: str, docs: list[NewDocument]) -> None:
    round_trip("label-studio", docs, None, offsets=offsets)
