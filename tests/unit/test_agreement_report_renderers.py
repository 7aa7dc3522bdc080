"""One table model, three renderers: the terminal, the TUI and the HTML page agree cell by cell.

A sample project (the bundled corpus, three annotators who disagree) is rendered by the
CLI's Rich tables, the TUI's agreement screen and the HTML report. Each output is parsed
back into rows of cell text and compared with `annotator.agreement_table`; the model's
numbers are compared with the JSON report, whose values are the unrounded figures.
"""

from __future__ import annotations

import json
import math
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.widgets import DataTable
from typer.testing import CliRunner

from annotator import agreement_table as tables
from annotator.agreement_report import AgreementReport, build_report
from annotator.cli import app
from annotator.models import Status
from annotator.sample import open_sample_project
from annotator.store import Store
from annotator.tokenize import token_spans
from annotator.tui import make_app
from annotator.tui.screens.agreement import AgreementScreen

LABELS = ("demand", "quote", "opinion")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The sample corpus; three annotators finish three documents, agreeing in part."""
    db = tmp_path / "sample.db"
    sample = open_sample_project(db)
    with sample.store as store:
        for doc_id in store.document_ids()[:3]:
            text = store.document(doc_id).text
            tokens = token_spans(text)[:12]
            for who, name in enumerate(("ann1", "ann2", "ann3")):
                for n, (start, end) in enumerate(tokens):
                    if (n + who) % 3:  # each annotator skips other tokens
                        store.add_span(doc_id, name, start, end, LABELS[(n + who * (n % 2)) % 3])
                store.set_status(doc_id, name, Status.DONE)
    return db


def model(db: Path) -> tuple[AgreementReport, dict[str, tables.Table]]:
    with Store.open(db) as store:
        report = build_report(store)
    return report, tables.report_tables(report)


def plain(table: tables.Table) -> list[list[str]]:
    return [[cell.plain for cell in row] for row in table.rows]


class _Tables(HTMLParser):
    """Caption -> rows of cell text (header row first) of every table on a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, list[list[str]]] = {}
        self.caption: str | None = None
        self.cell: list[str] | None = None
        self.text = ""
        self.row: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("caption", "td", "th"):
            self.text = ""
        if tag == "tr":
            self.row = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption":
            self.caption = self.text
            self.found[self.caption] = []
        elif tag in ("td", "th"):
            self.row.append(self.text)
        elif tag == "tr" and self.caption is not None:
            self.found[self.caption].append(self.row)

    def handle_data(self, data: str) -> None:
        self.text += data


def rich_rows(out: str) -> list[list[str]]:
    """Every row of every Rich table in `out`, as stripped cell texts."""
    rows = []
    for line in out.splitlines():
        line = line.strip().replace("┃", "│")  # header rows are drawn heavy
        if line.startswith("│"):
            rows.append([cell.strip() for cell in line.strip("│").split("│")])
    return rows


def test_json_html_and_terminal_show_the_model(project: Path, tmp_path: Path) -> None:
    report, model_tables = model(project)
    assert report.documents == 3 and len(report.pairs) == 3
    data = json.loads(CliRunner().invoke(app, ["agreement", "--db", str(project), "--json"]).stdout)

    # The model's numbers are the JSON figures, rounded once.
    def shown(value: Any) -> str:
        return "n/a" if value is None else f"{value:.3f}"

    overall = plain(model_tables[tables.OVERALL])
    assert [row[1] for row in overall] == [
        shown(data[key])
        for key in ("f1_exact", "f1_overlap", "alpha_u", "fleiss_kappa", "krippendorff_alpha")
    ]
    assert [row[2] for row in plain(model_tables[tables.PAIRS])] == [
        shown(pair["f1_exact"]) for pair in data["pairs"]
    ]
    assert [row[5] for row in plain(model_tables[tables.DOCUMENTS])] == [
        shown(doc["f1_exact"]) for doc in data["per_document"]
    ]
    assert any(row[1] != "n/a" for row in overall)  # the figures are not all undefined

    # HTML: every table, headers and cells as the model has them.
    html = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["agreement", "--db", str(project), "--html", str(html)])
    assert result.exit_code == 0, result.stderr
    parser = _Tables()
    parser.feed(html.read_text("utf-8"))
    assert list(parser.found) == [table.title for table in model_tables.values()]
    for table in model_tables.values():
        header, *rows = parser.found[table.title]
        assert header == [column.name for column in table.columns], table.key
        assert rows == plain(table), table.key

    # Terminal: the tables it prints, cell by cell (titles of documents cut to 50).
    terminal = CliRunner().invoke(
        app, ["agreement", "--db", str(project), "--worst", "100"], env={"COLUMNS": "250"}
    )
    assert terminal.exit_code == 0, terminal.stderr
    printed = rich_rows(terminal.stdout)
    expected: list[list[str]] = []
    for key in (tables.OVERALL, tables.PAIRS, tables.LABELS, tables.CONFUSION, tables.DOCUMENTS):
        table = model_tables[key]
        expected.append([column.name for column in table.columns])
        for row in plain(table):
            expected.append([row[0], row[1][:50], *row[2:]] if key == tables.DOCUMENTS else row)
    assert printed == expected


async def test_the_tui_shows_the_model(project: Path) -> None:
    report, model_tables = model(project)
    with Store.open(project) as store:
        app_ = make_app(store, "lead")
        async with app_.run_test(size=(160, 60)) as pilot:
            app_.push_screen(AgreementScreen(project))
            for _ in range(100):
                await pilot.pause()
                screen = app_.screen
                if isinstance(screen, AgreementScreen) and screen.report is not None:
                    break
            screen = app_.screen
            assert isinstance(screen, AgreementScreen) and screen.report is not None
            for key in (tables.OVERALL, tables.LABELS, tables.PAIRS, tables.MATRIX):
                shown: DataTable[Text] = screen.query_one(f"#agreement-{key}", DataTable)
                headers = [str(column.label) for column in shown.columns.values()]
                assert headers == [column.name for column in model_tables[key].columns], key
                rows = [
                    [cell.plain for cell in shown.get_row_at(n)] for n in range(shown.row_count)
                ]
                assert rows == plain(model_tables[key]), key
            documents: DataTable[Text] = screen.query_one("#agreement-documents", DataTable)
            figures = [
                [cell.plain for cell in documents.get_row_at(n)][3:]
                for n in range(documents.row_count)
            ]
            assert figures == [row[3:] for row in plain(model_tables[tables.DOCUMENTS])]
    assert not math.isnan(report.f1_overlap)
