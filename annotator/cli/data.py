"""`annotator import` and `annotator export`: data in and out of a project."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from annotator.cli.common import DEFAULT_DB, DbOption, error, info, out, reports_errors

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

PROGRESS_BYTES = 4 * 1024 * 1024
"""Show a progress bar when the files to import add up to more than this."""


def register(app: typer.Typer) -> None:
    app.command("import")(import_)
    app.command("export")(export)


@reports_errors
def import_(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Files or folders (.txt, .jsonl, CoNLL, doccano, brat, ...)."),
    ],
    db: DbOption = Path(DEFAULT_DB),
    layer: Annotated[str, typer.Option(help="Layer for spans that name no annotator.")] = "gold",
    scheme: Annotated[
        Path | None, typer.Option(help="Scheme for a new project (default: bundled).")
    ] = None,
    format: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="txt, jsonl, conll, doccano, brat, label-studio or prodigy "
            "(default: detected from each file).",
        ),
    ] = None,
    offsets: Annotated[
        str,
        typer.Option(help="How the file counts offsets: codepoint, or utf16 (JavaScript tools)."),
    ] = "codepoint",
    add_labels: Annotated[
        bool,
        typer.Option(
            "--add-labels", help="Add labels the scheme lacks (free key and colour each)."
        ),
    ] = False,
    tag_columns: Annotated[
        str | None,
        typer.Option(
            "--tag-columns",
            help="CoNLL: the tag columns to read, each into --layer or a named layer "
            "(e.g. 2 or 2,3=predicted; default: all, competing ones into layers column-N).",
        ),
    ] = None,
) -> None:
    """Import documents (and their spans); each file is imported wholly or not at all."""
    from annotator.errors import InputError
    from annotator.ingest import import_file, plan_imports
    from annotator.offsets import OFFSET_UNITS
    from annotator.project import ensure_project
    from annotator.store import Store

    if offsets not in OFFSET_UNITS:
        raise typer.BadParameter(f"use one of {', '.join(OFFSET_UNITS)}", param_hint="--offsets")
    _check_layers([layer])
    if tag_columns is not None:
        from annotator.ingest.tag_columns import parse_tag_columns

        try:
            parse_tag_columns(tag_columns, "--tag-columns")
        except InputError as exc:
            raise typer.BadParameter(exc.reason, param_hint="--tag-columns") from exc
    files = plan_imports(paths, format)
    created = ensure_project(db, scheme)
    if created is not None:
        info(f"created {db} with scheme {created.qualified_name}")
    total_bytes = sum(_size(path) for path, _ in files)
    failures = 0
    totals = [0, 0, 0, 0]  # documents, skipped, spans, relations
    with Store.open(db) as store, _progress(total_bytes) as advance:
        for path, file_format in files:
            try:
                result = import_file(
                    store,
                    path,
                    default_layer=layer,
                    progress=advance,
                    format=file_format,
                    offsets=offsets,
                    add_labels=add_labels,
                    tag_columns=tag_columns,
                )
            except InputError as exc:
                error(str(exc))
                info(f"{path}: nothing imported from this file")
                failures += 1
                continue
            finally:
                advance(None)
            counts = result.counts
            totals[0] += counts.documents
            totals[1] += counts.skipped
            totals[2] += counts.spans
            totals[3] += counts.relations
            info(
                f"{path}: {counts.documents} documents, {counts.skipped} skipped, "
                f"{counts.spans} spans"
                + (f", {counts.relations} relations" if counts.relations else "")
                + (f" ({file_format})" if file_format not in ("txt", "jsonl") else "")
            )
            if result.added_labels:
                info(f"{path}: added labels to the scheme: {', '.join(result.added_labels)}")
            for note in result.notes:
                info(f"  note: {note}")
    out(
        f"imported {totals[0]} documents ({totals[1]} skipped as already present), "
        f"{totals[2]} spans" + (f", {totals[3]} relations" if totals[3] else "")
    )
    if failures:
        error(f"{failures} file(s) failed; the database holds everything else")
        raise typer.Exit(1)


def _check_layers(layers: list[str]) -> None:
    """Layer names reach SQL and file names: refuse bad ones once, before any work."""
    from annotator.errors import AnnotatorError
    from annotator.models import GOLD, check_name

    for name in layers:
        if name not in (GOLD, "all"):
            try:
                check_name(name, "annotator name")
            except ValueError as exc:
                raise AnnotatorError(f"--layer: {exc}") from None


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size


class _progress:
    """A progress bar on stderr for long imports; silent when stderr is not a terminal."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done_files = 0
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __enter__(self) -> Callable[[int | None], None]:
        if self.total > PROGRESS_BYTES and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import Progress

            self.bar = Progress(console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("importing", total=self.total)
        return self.advance

    def advance(self, done_in_file: int | None) -> None:
        if self.bar is None or self.task is None:
            return
        if done_in_file is None:
            self.done_files = int(self.bar.tasks[0].completed)
            return
        self.bar.update(self.task, completed=self.done_files + done_in_file)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


@reports_errors
def export(
    format: Annotated[
        str,
        typer.Argument(
            help="jsonl, spacy, hf, conll, brat, label-studio, doccano, prodigy or csv."
        ),
    ],
    db: DbOption = Path(DEFAULT_DB),
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="Output file or folder (default: exports/<project>.<ext>, or a folder).",
        ),
    ] = None,
    layer: Annotated[
        list[str] | None,
        typer.Option(
            help="gold, an annotator's name, or all; repeatable. Default: all for formats "
            "that hold several layers (jsonl, csv, label-studio), gold for the others.",
        ),
    ] = None,
    split: Annotated[
        str | None,
        typer.Option(help="Train/dev/test ratios by document, e.g. 0.8,0.1,0.1 (or 0.9,0.1)."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the split.")] = 0,
    allow_lossy: Annotated[
        bool,
        typer.Option(
            "--allow-lossy",
            help="Exit 0 even when spans or relations were dropped or spans had to move.",
        ),
    ] = False,
    offsets: Annotated[
        str,
        typer.Option(help="doccano, label-studio: count offsets in codepoint or utf16 units."),
    ] = "codepoint",
    align: Annotated[
        str | None,
        typer.Option(
            help="Spans off token boundaries: split tokens (spacy's default), expand (the "
            "default of conll and hf), contract, or strict (drop them); prodigy keeps them exact "
            "unless this is given.",
        ),
    ] = None,
    lang: Annotated[str, typer.Option(help="spacy: language of spacy.blank(LANG).")] = "en",
    spans_key: Annotated[
        str, typer.Option(help="spacy: the doc.spans key (spancat's default is sc).")
    ] = "sc",
    shard_docs: Annotated[
        int,
        typer.Option(help="spacy: documents per .spacy file; more become a folder of shards."),
    ] = 2000,
    hf_format: Annotated[
        str, typer.Option(help="hf: parquet, jsonl, or parquet,jsonl.")
    ] = "parquet",
    raw_cells: Annotated[
        bool,
        typer.Option(
            "--raw-cells",
            help="csv: write cells as stored. By default a cell starting with =, +, -, @, "
            "tab or CR gets a leading ' so that spreadsheets do not run it as a formula.",
        ),
    ] = False,
) -> None:
    """Export the project; the output appears only when it is complete.

    Spans a format cannot hold are listed on stderr and make the command exit 1, unless
    --allow-lossy is given.
    """
    from annotator.cli.common import open_store
    from annotator.errors import AnnotatorError
    from annotator.exporters import ExportOptions, get_exporter, options_for, run_export
    from annotator.offsets import OFFSET_UNITS
    from annotator.split import parse_ratios

    exporter = get_exporter(format)
    _check_layers(layer or [])
    if offsets not in OFFSET_UNITS:
        raise typer.BadParameter(f"use one of {', '.join(OFFSET_UNITS)}", param_hint="--offsets")
    if shard_docs < 1:
        raise typer.BadParameter("must be at least 1", param_hint="--shard-docs")
    hf_formats = tuple(part.strip() for part in hf_format.split(",") if part.strip())
    if not hf_formats or not set(hf_formats) <= {"parquet", "jsonl"}:
        raise typer.BadParameter("use parquet, jsonl or parquet,jsonl", param_hint="--hf-format")
    options = ExportOptions(
        offsets=offsets,
        split=parse_ratios(split) if split else None,
        seed=seed,
        lang=lang,
        spans_key=spans_key,
        align=align,
        shard_docs=shard_docs,
        hf_formats=hf_formats,
    )
    try:
        options = options_for(exporter, options, **({"raw_cells": True} if raw_cells else {}))
    except AnnotatorError as exc:
        raise typer.BadParameter(f"{exc} (it is a csv option)", param_hint="--raw-cells") from None
    as_folder = exporter.folder or options.split is not None
    default = f"{db.stem}-{exporter.name}" if as_folder else f"{db.stem}{exporter.suffix}"
    target = output or Path("exports") / default
    with open_store(db) as store:
        report = run_export(exporter, store, target, layer, options)
    relations = f", {report.relations} relations" if report.relations else ""
    info(f"wrote {report.documents} documents, {report.spans} spans{relations} to {report.path}")
    for note in report.notes:
        info(f"note: {note}")
    changed = report.changed
    if changed:
        error(f"{len(changed)} spans were written with other offsets in {format}:")
        for line in changed:
            info(f"  {line}")
    if report.dropped:
        error(f"{len(report.dropped)} spans could not be represented in {format}:")
        for line in report.dropped:
            info(f"  {line}")
    if report.dropped_relations:
        error(f"{len(report.dropped_relations)} relations could not be represented in {format}:")
        for line in report.dropped_relations:
            info(f"  {line}")
    if report.lossy and not allow_lossy:
        info("the export is lossy: pass --allow-lossy to accept it (exit 0)")
        raise typer.Exit(1)
