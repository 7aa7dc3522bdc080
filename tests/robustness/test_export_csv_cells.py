"""CSV cells a spreadsheet would run as formulas are neutralised, unless `--raw-cells`.

A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to
Excel, LibreOffice and Google Sheets (`=cmd|' /C calc'!A0`): OWASP's advice is to prefix
it with `'`, which every spreadsheet shows as text. Span texts and document ids come from
imported files, so an export of someone else's data must not run code when opened.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annotator.cli import app
from annotator.exporters import ExportOptions, get_exporter, run_export
from annotator.scheme import load_scheme
from annotator.store import NewDocument, Store

HOSTILE = [
    "=cmd|' /C calc'!A0",
    "+SUM(1,2)",
    "-2+3",
    "@SUM(A1)",
    "\tObservers said",
    "\r=1+1",
]
PLAIN = ["Lavrov said", "'quoted'", " =spaced", "a=b", "line\rbreak"]


def _project(path: Path) -> Path:
    """One document whose spans start with every dangerous character, and plain ones."""
    pieces = [*HOSTILE, *PLAIN]
    text = " | ".join(pieces)
    spans, offset = [], 0
    for piece in pieces:
        spans.append(("gold", offset, offset + len(piece), "quote"))
        offset += len(piece) + len(" | ")
    documents = [
        NewDocument(text=text, id="-doc", spans=spans),
        NewDocument(text="Kyiv demands guarantees.", id='=HYPERLINK("x")', spans=[]),
        NewDocument(text="Kyiv demands.", id="plain", spans=[("alice", 0, 4, "guarantor")]),
    ]
    documents[1].spans.append(("gold", 0, 4, "guarantor"))
    with Store.create(path, load_scheme()[1], "test") as store, store.transaction():
        store.import_documents(documents)
    return path


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_formula_cells_are_prefixed_by_default_and_noted(db_path: Path) -> None:
    with Store.open(_project(db_path)) as store:
        report = get_exporter("csv").export(store, Path("out.csv"), None, ExportOptions())
    rows = _rows(Path("out.csv"))
    assert rows[0] == ["document", "layer", "label", "start", "end", "text"]
    texts = [row[5] for row in rows[1:] if row[0] == "'-doc"]
    assert texts == [*("'" + piece for piece in HOSTILE), *PLAIN]
    assert {row[0] for row in rows[1:]} == {"'-doc", '\'=HYPERLINK("x")', "plain"}
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row
    assert [row[3:5] for row in rows[1:3]] == [["0", "18"], ["21", "30"]]  # numbers untouched
    assert not report.lossy
    (note,) = [note for note in report.notes if "formula" in note]
    assert "18 cells" in note and "--raw-cells" in note


def test_raw_cells_keeps_every_cell_as_stored(db_path: Path) -> None:
    from annotator.exporters.csv import CsvOptions

    exporter = get_exporter("csv")
    assert exporter.options_model is CsvOptions
    with Store.open(_project(db_path)) as store:
        report = run_export(exporter, store, Path("raw.csv"), None, CsvOptions(raw_cells=True))
        texts = {
            (document.id, text)
            for document, spans in store.iter_documents_with_spans()
            for text in (document.text[s.start : s.end] for s in spans)
        }
    rows = _rows(Path("raw.csv"))
    assert {(row[0], row[5]) for row in rows[1:]} == texts
    assert not [note for note in report.notes if "formula" in note]


def test_the_cli_neutralises_by_default_and_takes_raw_cells_for_csv_only(db_path: Path) -> None:
    _project(db_path)
    runner = CliRunner()
    done = runner.invoke(app, ["export", "csv", "--db", str(db_path), "-o", "cells.csv"])
    assert done.exit_code == 0, done.stderr
    assert "note: 18 cells" in done.stderr
    assert "'=cmd|' /C calc'!A0" in Path("cells.csv").read_text("utf-8")
    done = runner.invoke(
        app, ["export", "csv", "--db", str(db_path), "-o", "cells.csv", "--raw-cells"]
    )
    assert done.exit_code == 0, done.stderr
    assert [row[5] for row in _rows(Path("cells.csv"))[1:7]] == HOSTILE
    done = runner.invoke(
        app, ["export", "jsonl", "--db", str(db_path), "-o", "x.jsonl", "--raw-cells"]
    )
    assert done.exit_code == 2
    assert "--raw-cells" in done.stderr and "csv" in done.stderr
    assert not Path("x.jsonl").exists()


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@A1", "\t1", "\r1"])
def test_every_dangerous_first_character_is_caught(cell: str) -> None:
    from annotator.exporters.csv import neutralised

    assert neutralised(cell) == "'" + cell
    assert neutralised("1" + cell) == "1" + cell
    assert neutralised("") == ""
