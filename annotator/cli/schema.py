"""`annotator schema show|validate|migrate`: look at, check and change a project's scheme."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from annotator.cli.common import (
    DEFAULT_DB,
    DbOption,
    error,
    info,
    open_store,
    out,
    reports_errors,
    stdout_is_terminal,
    table,
)

app = typer.Typer(help="Show, validate and migrate label schemes.", no_args_is_help=True)


@app.command("show")
@reports_errors
def show(
    db: DbOption = Path(DEFAULT_DB),
    toml: Annotated[bool, typer.Option("--toml", help="Print the stored TOML as is.")] = False,
) -> None:
    """Show the project's label scheme."""
    with open_store(db) as store:
        scheme, text, usage = store.scheme, store.scheme_text, store.label_usage()
        relation_usage = store.relation_usage()
    if toml:
        # As stored, for `> file.toml`; on a terminal, inert like everything else.
        if stdout_is_terminal():
            out(text, nl=False)
        else:
            typer.echo(text, nl=False)
        return
    out(f"{scheme.qualified_name}: {scheme.description}")
    out(f"overlap allowed: {scheme.allow_overlap}; snap to tokens: {scheme.snap_to_tokens}")
    rows = [
        [
            str(i),
            label.key,
            label.name,
            label.color,
            str(usage.get(label.name, 0)),
            label.definition,
        ]
        for i, label in enumerate(scheme.labels, start=1)
    ]
    out(table(rows, ["#", "key", "label", "colour", "spans", "definition"]))
    if scheme.relations:
        links = [
            [
                relation.key,
                relation.name,
                " | ".join(relation.heads),
                " | ".join(relation.children),
                relation.color,
                str(relation_usage.get(relation.name, 0)),
                relation.definition,
            ]
            for relation in scheme.relations
        ]
        out(table(links, ["key", "relation", "head", "child", "colour", "uses", "definition"]))


@app.command("validate")
@reports_errors
def validate(
    path: Annotated[Path, typer.Argument(help="Scheme TOML file (or builtin:NAME) to check.")],
    db: DbOption = Path(DEFAULT_DB),
) -> None:
    """Check a scheme file, and whether the project (if there is one) could switch to it."""
    from annotator.scheme import load_scheme

    scheme, text = load_scheme(path)
    relations = f", {len(scheme.relations)} relations" if scheme.relations else ""
    out(f"{path}: ok ({scheme.qualified_name}, {len(scheme.labels)} labels{relations})")
    if db.exists():
        with open_store(db) as store:
            lost = store.check_scheme(text, str(path))
            misfits = store.relation_conflicts(text, str(path))
        if lost:
            error(f"{db} uses labels this scheme drops: {', '.join(lost)}")
            info("switch with `annotator schema migrate FILE --rename OLD=NEW`")
        for line in misfits:
            error(f"{db}: {line}")
        if lost or misfits:
            raise typer.Exit(1)


@app.command("migrate")
@reports_errors
def migrate(
    path: Annotated[
        Path,
        typer.Argument(
            help="The new scheme TOML file, or builtin:NAME (builtin:negotiation-v2 moves a "
            "negotiation-v1 project to the version with relations)."
        ),
    ],
    db: DbOption = Path(DEFAULT_DB),
    rename: Annotated[
        list[str] | None,
        typer.Option(help="OLD=NEW: move spans of label OLD to NEW; repeatable."),
    ] = None,
) -> None:
    """Switch the project to a new scheme, renaming labels in use as told."""
    from annotator.errors import AnnotatorError
    from annotator.scheme import load_scheme

    renames: dict[str, str] = {}
    for item in rename or []:
        old, sep, new = item.partition("=")
        if not sep or not old or not new:
            raise AnnotatorError(f"--rename {item!r}: expected OLD=NEW")
        renames[old] = new
    _, text = load_scheme(path)
    with open_store(db) as store:
        touched = store.update_scheme(text, str(path), renames, actor="schema-migrate")
        name = store.scheme.qualified_name
    for old, count in touched.items():
        info(f"renamed {old} -> {renames[old]} on {count} spans")
    out(f"{db} now uses {name}")
