"""Golden files: every text format of the formats corpus, byte for byte.

Run with UPDATE_GOLDEN=1 to rewrite them after an intended change, and read the diff.
The binary formats (spaCy, Parquet) depend on the library version, so their tests check
determinism and content through the real loaders instead (tests/interop/).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from annotator.exporters import ExportOptions, get_exporter
from annotator.ingest import import_file
from annotator.store import Store

DATA = Path(__file__).resolve().parent.parent / "data" / "formats"
GOLDEN = DATA / "golden"

CASES = {
    "jsonl": ("jsonl", {}, None),
    "conll": ("conll", {}, None),
    "doccano": ("doccano", {}, None),
    "doccano-utf16": ("doccano", {"offsets": "utf16"}, None),
    "prodigy": ("prodigy", {}, None),
    "csv": ("csv", {}, None),
    "label-studio": ("label-studio", {}, None),
    "brat": ("brat", {}, None),
    "alice.conll": ("conll", {}, ["alice"]),
    "split-doccano": ("doccano", {"split": (0.5, 0.25, 0.25), "seed": 1}, None),
}


def files(path: Path) -> dict[str, bytes]:
    if path.is_file():
        return {path.name: path.read_bytes()}
    return {
        p.relative_to(path).as_posix(): p.read_bytes()
        for p in sorted(path.rglob("*"))
        if p.is_file() and p.name != ".annotator-export"
    }


@pytest.mark.parametrize("case", sorted(CASES))
def test_export_matches_its_golden_file(store: Store, case: str, tmp_path: Path) -> None:
    fmt, options, layers = CASES[case]
    import_file(store, DATA / "corpus.jsonl")
    exporter = get_exporter(fmt)
    target = tmp_path / "out" / case
    get_exporter(fmt).export(store, target, layers, ExportOptions(**options))
    golden = GOLDEN / case
    if os.environ.get("UPDATE_GOLDEN"):
        import shutil

        shutil.rmtree(golden, ignore_errors=True)
        golden.mkdir(parents=True)
        for name, data in files(target).items():
            (golden / name).parent.mkdir(parents=True, exist_ok=True)
            (golden / name).write_bytes(data)
    assert exporter.name == fmt
    assert files(target) == files(golden)


LINKED_CASES = {
    "relations-jsonl": ("jsonl", {}),
    "relations-brat": ("brat", {}),
    "relations-label-studio": ("label-studio", {}),
    "relations-doccano": ("doccano", {"offsets": "utf16"}),
    "relations-prodigy": ("prodigy", {}),
    "relations-csv": ("csv", {}),
}
"""Formats that hold relations, on a corpus with some (relations.jsonl: two layers, nested
ends, an end after an emoji, ends across a line break)."""


@pytest.mark.parametrize("case", sorted(LINKED_CASES))
def test_relations_match_their_golden_files(store: Store, case: str, tmp_path: Path) -> None:
    fmt, options = LINKED_CASES[case]
    import_file(store, DATA / "relations.jsonl")
    exporter = get_exporter(fmt)
    out = tmp_path / "out"
    target = out / f"export{exporter.suffix}"
    report = exporter.export(store, target, None, ExportOptions(**options))
    assert report.relations and not report.lossy
    golden = GOLDEN / case
    # everything written, csv's relations file beside the spans file included
    if os.environ.get("UPDATE_GOLDEN"):
        import shutil

        shutil.rmtree(golden, ignore_errors=True)
        shutil.copytree(out, golden, ignore=shutil.ignore_patterns(".annotator-export"))
    assert files(out) == files(golden)
