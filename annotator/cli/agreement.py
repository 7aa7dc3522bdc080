"""`annotator agreement`: the agreement report as Rich tables, JSON or one offline HTML file."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from annotator.cli.common import DEFAULT_DB, DbOption, info, open_store, out_json, reports_errors

if TYPE_CHECKING:
    from rich.text import Text

    from annotator.agreement_report import AgreementReport


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

        with atomic_writer(html) as out:
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

    return _nan_to_none(asdict(report))


def _nan_to_none(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {key: _nan_to_none(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_nan_to_none(item) for item in value]
    return value


def figure(value: float) -> Text:
    from rich.text import Text

    from annotator.agreement_report import scale_colour

    if math.isnan(value):
        return Text("n/a", style="dim")
    return Text(f"{value:.3f}", style=f"bold {scale_colour(value)}")


def print_report(report: AgreementReport, worst: int) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from annotator.agreement_report import scale_colour
    from annotator.printable import printable

    console = Console()
    console.print(
        Text(
            f"{report.documents} documents finished by 2+ annotators, "
            f"{report.characters} characters; annotators: {', '.join(report.annotators)}"
        )
    )
    summary = Table(title="Overall", title_justify="left")
    summary.add_column("measure")
    summary.add_column("value", justify="right")
    summary.add_column("rests on", justify="right")
    summary.add_row(
        "span F1 exact (mean over pairs)", figure(report.f1_exact), f"{len(report.pairs)} pairs"
    )
    summary.add_row(
        "span F1 overlap (mean over pairs)", figure(report.f1_overlap), f"{len(report.pairs)} pairs"
    )
    summary.add_row(
        "alpha_u, all annotators (characters)",
        figure(report.alpha_u),
        f"{report.alpha_u_documents} documents",
    )
    summary.add_row(
        f"Fleiss' kappa ({report.level}s)",
        figure(report.fleiss_kappa),
        f"{report.fleiss_units} units x {report.fleiss_raters} raters",
    )
    summary.add_row(
        f"Krippendorff's alpha ({report.level}s)",
        figure(report.krippendorff_alpha),
        f"{report.krippendorff_units} units",
    )
    console.print(summary)

    pairs = Table(title="Annotator pairs", title_justify="left")
    for column in (
        "pair",
        "docs",
        "F1 exact",
        "F1 overlap",
        "P",
        "R",
        "alpha_u",
        f"kappa ({report.level}s)",
    ):
        pairs.add_column(column, justify="left" if column == "pair" else "right")
    for pair in report.pairs:
        pairs.add_row(
            Text(f"{pair.a} / {pair.b}"),
            str(pair.documents),
            figure(pair.f1_exact),
            figure(pair.f1_overlap),
            figure(pair.precision_overlap),
            figure(pair.recall_overlap),
            figure(pair.alpha_u),
            Text.assemble(figure(pair.kappa), Text(f" ({pair.kappa_units})", style="dim")),
        )
    console.print(pairs)

    per_label = Table(title="Per label", title_justify="left")
    for column in ("label", "F1 exact", "F1 overlap", "alpha_u (all)"):
        per_label.add_column(column, justify="left" if column == "label" else "right")
    for label in report.labels:
        per_label.add_row(
            Text(label),
            figure(report.per_label_f1_exact[label]),
            figure(report.per_label_f1_overlap[label]),
            figure(report.per_label_alpha_u[label]),
        )
    console.print(per_label)

    confusion = Table(
        title="Label confusion (overlapping spans, rows: one annotator)", title_justify="left"
    )
    confusion.add_column("")
    for label in report.confusion_labels:
        confusion.add_column(Text(label), justify="right")
    for label, row in zip(report.confusion_labels, report.confusion, strict=True):
        total = sum(row) or 1
        cells = []
        for other, count in zip(report.confusion_labels, row, strict=True):
            share = count / total
            good = (label == other) == (label != "∅")
            style = scale_colour(share if good else 1 - share) if count else "dim"
            cells.append(Text(str(count), style=style))
        confusion.add_row(Text(label), *cells)
    console.print(confusion)

    documents = Table(title=f"Documents, worst first (top {worst})", title_justify="left")
    for column in ("document", "title", "annotators", "spans", "F1 overlap", "F1 exact"):
        documents.add_column(
            column, justify="right" if column.startswith(("F1", "spans")) else "left"
        )
    for doc in report.per_document[:worst]:
        documents.add_row(
            Text(printable(doc.id)),
            Text(printable(doc.title)[:50]),
            Text(", ".join(doc.annotators)),
            str(doc.spans),
            figure(doc.f1_overlap),
            figure(doc.f1_exact),
        )
    console.print(documents)
