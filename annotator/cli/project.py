"""`annotator init`, `annotator stats` and `annotator backup`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from annotator.cli.common import (
    DEFAULT_DB,
    DbOption,
    info,
    open_store,
    out,
    out_json,
    reports_errors,
    table,
)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("stats")(stats)
    app.command("backup")(backup)


@reports_errors
def init(
    db: DbOption = Path(DEFAULT_DB),
    scheme: Annotated[
        Path | None,
        typer.Option(
            help="Label scheme TOML, or builtin:NAME "
            "(default: the bundled negotiation-v2; builtin:negotiation-v1 still works)."
        ),
    ] = None,
) -> None:
    """Create a new project database holding a label scheme."""
    from annotator.project import create_project

    parsed = create_project(db, scheme)
    info(f"created {db} with scheme {parsed.qualified_name} ({', '.join(parsed.label_names)})")


@reports_errors
def stats(
    db: DbOption = Path(DEFAULT_DB),
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Documents, spans and relations per label and per annotator, and progress."""
    with open_store(db) as store:
        figures = store.stats()
    if as_json:
        out_json(figures)
        return
    out(f"project   {db}")
    out(f"scheme    {figures['scheme']}")
    out(f"documents {figures['documents']}")
    out(f"spans     {figures['spans']}")
    out(f"relations {figures['relations']}")
    counts = [("spans_per_label", "label", "spans"), ("spans_per_layer", "layer", "spans")]
    if figures["relations"]:
        counts += [
            ("relations_per_name", "relation", "relations"),
            ("relations_per_layer", "layer", "relations"),
        ]
    for key, by, what in counts:
        out()
        out(table([[name, str(count)] for name, count in figures[key].items()], [by, what]))
    if figures["progress"]:
        out()
        rows = []
        for name, entry in figures["progress"].items():
            total = sum(entry[s] for s in ("todo", "in-progress", "done", "skipped"))
            rows.append(
                [
                    name,
                    str(entry["todo"]),
                    str(entry["in-progress"]),
                    str(entry["done"]),
                    str(entry["skipped"]),
                    f"{entry['done'] / total:.0%}" if total else "-",
                    f"{entry['seconds'] / 60:.1f}",
                ]
            )
        out(
            table(
                rows, ["annotator", "todo", "in-progress", "done", "skipped", "done %", "minutes"]
            )
        )


@reports_errors
def backup(
    target: Annotated[Path, typer.Argument(help="Where to write the copy (a new file).")],
    db: DbOption = Path(DEFAULT_DB),
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
) -> None:
    """Copy the project to a file, consistently, while annotators keep working."""
    with open_store(db) as store:
        size = store.backup(target, overwrite=force)
    info(f"backed up {db} to {target} ({size / 1e6:.1f} MB)")
