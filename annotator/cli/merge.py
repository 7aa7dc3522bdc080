"""`annotator merge OTHER.db`: bring a laptop's copy of the project back into this one."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from annotator.cli.common import DEFAULT_DB, DbOption, info, open_store, out, reports_errors, table

if TYPE_CHECKING:
    from annotator.merge_records import MergeReport


def register(app: typer.Typer) -> None:
    app.command("merge")(merge)


@reports_errors
def merge(
    other: Annotated[
        Path,
        typer.Argument(metavar="OTHER.db", help="The project file to merge in (a laptop's copy)."),
    ],
    db: DbOption = Path(DEFAULT_DB),
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report what would change; write nothing.")
    ] = False,
) -> None:
    """Merge another project file's documents, assignments, spans and events into this one.

    Documents match by content; each layer stays one annotator's work; merging twice
    changes nothing. When the same annotator changed the same document in both files,
    the later edit wins that layer and the conflict is reported on stderr.
    """
    with open_store(db) as store:
        report = store.merge(other, dry_run=dry_run)
    for skipped in report.skipped:
        info(skipped)
    for conflict in report.conflicts:
        info(conflict.describe())
    out(summary(report))
    if dry_run:
        info("dry run: nothing was written")
    elif not report.changed:
        info(f"{other.name} holds nothing new; nothing was written")


def summary(report: MergeReport) -> str:
    """The counts as plain lines, then spans (and relations) per layer as a table."""
    lines = [
        f"documents added: {report.documents_added}",
        f"annotators added: {report.annotators_added}",
        f"assignments added: {report.assignments_added}, updated: {report.assignments_updated}",
        f"events copied: {report.events_copied}",
        f"layers taken from {report.source}: {report.layers_taken}",
        f"conflicts: {len(report.conflicts)}",
    ]
    counts = [report.spans_added, report.spans_removed]
    headers = ["layer", "spans added", "spans removed"]
    if report.relations_added or report.relations_removed:
        counts += [report.relations_added, report.relations_removed]
        headers += ["relations added", "relations removed"]
    layers = sorted(set().union(*counts))
    if layers:
        rows = [[layer, *(str(found.get(layer, 0)) for found in counts)] for layer in layers]
        lines += ["", table(rows, headers)]
    return "\n".join(lines)
