"""`annotator agreement`: the agreement report as Rich tables, JSON or one offline HTML file."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from annotator.cli.common import DEFAULT_DB, DbOption, info, open_store, out_json, reports_errors

if TYPE_CHECKING:
    from rich.table import Table
    from rich.text import Text

    from annotator.agreement_report import AgreementReport
    from annotator.agreement_table import Cell, Table as AgreementTable


def register(app: typer.Typer) -> None:
    app.command("agreement")(agreement)


def _split(value: str | None) -> list[str] | None:
    return [part.strip() for part in value.split(",") if part.strip()] if value else None


@reports_errors
def agreement(
    db: DbOption = Path(DEFAULT_DB),
    labels: Annotated[str | None, typer.Option(help="Only these labels, comma-separated.")] = None,
    annotators: Annotated[
        str | None, typer.Option(help="Only these annotators, comma-separated.")
    ] = None,
    level: Annotated[str, typer.Option(help="Unit for kappa and alpha: token or char.")] = "token",
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    html: Annotated[
        Path | None, typer.Option(help="Also write a self-contained HTML report here.")
    ] = None,
    worst: Annotated[int, typer.Option(help="Documents to list, worst first.")] = 10,
) -> None:
    """Agreement over the documents that at least two annotators marked done."""
    from annotator.agreement_report import build_report
    from annotator.errors import AnnotatorError

    if level not in ("token", "char"):
        raise AnnotatorError(f"--level {level!r}: use token or char")
    with open_store(db) as store:
        unknown = set(_split(labels) or []) - set(store.scheme.label_names)
        if unknown:
            raise AnnotatorError(f"unknown labels: {', '.join(sorted(unknown))}")
        report = build_report(
            store,
            annotators=_split(annotators),
            labels=_split(labels),
            level=level,  # type: ignore[arg-type]
        )
    if html is not None:
        from annotator.atomic import atomic_writer
        from annotator.report_html import render_html

        with atomic_writer(html, protect=[db]) as out:
            out.write(render_html(report, title=f"Agreement: {db.name}"))
        info(f"wrote {html}")
    if as_json:
        out_json(report_dict(report))
        return
    if report.documents == 0:
        info("no document has been marked done by two or more annotators yet")
        return
    print_report(report, worst)


def report_dict(report: AgreementReport) -> dict[str, Any]:
    """The report as JSON-ready data: NaN (undefined) becomes null."""
    from dataclasses import asdict

    data: dict[str, Any] = _nan_to_none(asdict(report))
    return data


def _nan_to_none(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {key: _nan_to_none(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_nan_to_none(item) for item in value]
    return value


def cell_text(cell: Cell) -> Text:
    """One table cell as Rich text: shown literally, coloured on the report's scale."""
    from rich.text import Text

    from annotator.agreement_table import scale_colour
    from annotator.printable import printable

    if cell.dim:
        style = "dim"
    elif cell.heat is not None:
        style = f"bold {scale_colour(cell.heat)}" if cell.bold else scale_colour(cell.heat)
    else:
        style = ""
    shown = Text(printable(cell.text), style=style)
    if cell.note:
        shown.append(f" {cell.note}", style="dim")
    return shown


def rich_table(table: AgreementTable) -> Table:
    """A table of the report as Rich draws it; the model decides headers and cells."""
    from rich.table import Table
    from rich.text import Text

    drawn = Table(title=table.title, title_justify="left")
    for column in table.columns:
        drawn.add_column(Text(column.name), justify="right" if column.numeric else "left")
    for row in table.rows:
        drawn.add_row(*(cell_text(cell) for cell in row))
    return drawn


def print_report(report: AgreementReport, worst: int) -> None:
    """The report's tables on stdout (the pair matrix is the HTML page's and the TUI's)."""
    from dataclasses import replace

    from rich.console import Console
    from rich.text import Text

    from annotator import agreement_table as tables
    from annotator.agreement_table import Cell

    console = Console()
    console.print(Text(tables.summary(report)))
    for table in (tables.overall(report), tables.pairs(report), tables.per_label(report)):
        console.print(rich_table(table))
    console.print(rich_table(tables.confusion(report)))
    if report.relations is not None:
        console.print(rich_table(tables.relation_pairs(report)))
        console.print(rich_table(tables.relation_labels(report)))
    documents = tables.documents(report, worst)
    # A terminal row has room for the start of a title only.
    short = [[*row[:1], Cell(row[1].text[:50]), *row[2:]] for row in documents.rows]
    console.print(rich_table(replace(documents, rows=short)))
