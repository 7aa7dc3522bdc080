"""`annotator import` and `annotator export`: data in and out of a project."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from annotator.cli.common import DEFAULT_DB, DbOption, error, info, reports_errors

PROGRESS_BYTES = 4 * 1024 * 1024
"""Show a progress bar when the files to import add up to more than this."""


def register(app: typer.Typer) -> None:
    app.command("import")(import_)
    app.command("export")(export)


@reports_errors
def import_(
    paths: Annotated[list[Path], typer.Argument(help=".txt files, .jsonl files or folders.")],
    db: DbOption = Path(DEFAULT_DB),
    layer: Annotated[str, typer.Option(help="Layer for spans that name no annotator.")] = "gold",
    scheme: Annotated[
        Path | None, typer.Option(help="Scheme for a new project (default: bundled).")
    ] = None,
) -> None:
    """Import documents (and their spans); each file is imported wholly or not at all."""
    from annotator.errors import InputError
    from annotator.ingest import expand_paths, import_file
    from annotator.scheme import load_scheme
    from annotator.store import Store

    files = expand_paths(paths)
    if not db.exists():
        parsed, text = load_scheme(scheme)
        Store.create(
            db, text, str(scheme) if scheme else f"builtin:{parsed.qualified_name}"
        ).close()
        info(f"created {db} with scheme {parsed.qualified_name}")
    total_bytes = sum(path.stat().st_size for path in files)
    failures = 0
    totals = [0, 0, 0]
    with Store.open(db) as store, _progress(total_bytes) as advance:
        for path in files:
            try:
                result = import_file(store, path, default_layer=layer, progress=advance)
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
            info(
                f"{path}: {counts.documents} documents, {counts.skipped} skipped, "
                f"{counts.spans} spans"
            )
    typer.echo(
        f"imported {totals[0]} documents ({totals[1]} skipped as already present), "
        f"{totals[2]} spans"
    )
    if failures:
        error(f"{failures} file(s) failed; the database holds everything else")
        raise typer.Exit(1)


class _progress:
    """A progress bar on stderr for long imports; silent when stderr is not a terminal."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done_files = 0
        self.bar = None

    def __enter__(self):
        if self.total > PROGRESS_BYTES and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import Progress

            self.bar = Progress(console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("importing", total=self.total)
        return self.advance

    def advance(self, done_in_file: int | None) -> None:
        if self.bar is None:
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
    format: Annotated[str, typer.Argument(help="Export format, e.g. jsonl.")],
    db: DbOption = Path(DEFAULT_DB),
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Output file (default: exports/<project>.<ext>)."),
    ] = None,
    layer: Annotated[
        list[str] | None,
        typer.Option(help="Only these layers (annotator names or gold); repeatable."),
    ] = None,
) -> None:
    """Export the project; the file appears only when it is complete."""
    from annotator.cli.common import open_store
    from annotator.exporters import get_exporter

    exporter = get_exporter(format)
    target = output or Path("exports") / f"{db.stem}{exporter.suffix}"
    with open_store(db) as store:
        report = exporter.export(store, target, layer or None)
    info(f"wrote {report.documents} documents, {report.spans} spans to {report.path}")
    if report.dropped:
        error(f"{len(report.dropped)} spans could not be represented in {format}:")
        for line in report.dropped:
            info(f"  {line}")
        raise typer.Exit(1)
