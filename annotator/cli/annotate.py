"""`annotator annotate` and `annotator demo`: the only commands that import Textual."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from annotator.cli.common import DEFAULT_DB, DbOption, info, reports_errors
from annotator.cli.plain import open_workbench

if TYPE_CHECKING:
    from annotator.store import Store

SAMPLE_DB = "sample.db"


def register(app: typer.Typer) -> None:
    app.command("annotate")(annotate)
    app.command("demo")(demo)


def _default_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user database entry (some containers): fall back to a name
        return "annotator"


@reports_errors
def annotate(
    as_: Annotated[str, typer.Option("--as", help="Your annotator name (your layer).")],
    db: DbOption = Path(DEFAULT_DB),
    doc: Annotated[str | None, typer.Option(help="Open this document id directly.")] = None,
) -> None:
    """Open the annotation workbench on a project."""
    open_workbench(as_, db, doc)


@reports_errors
def demo(
    db: DbOption = Path(SAMPLE_DB),
    as_: Annotated[str | None, typer.Option("--as", help="Annotator name (default: you).")] = None,
) -> None:
    """Create (first run) a project with the bundled sample corpus and open the workbench."""
    from annotator.sample import open_sample_project

    sample = open_sample_project(db)
    if sample.created is not None:
        info(f"created {db} with scheme {sample.created.qualified_name}")
    if sample.added:
        info(f"imported {sample.added} sample documents into {db}")
    _run(sample.store, as_ or _safe_name(_default_name()), None)


def _safe_name(name: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "_.-" else "-" for c in name).strip("-._")
    return cleaned[:64] or "annotator"


def _run(store: Store, annotator: str, doc: str | None) -> None:
    from annotator.tui import make_app, run_app

    try:
        run_app(make_app(store, annotator, open_doc=doc, suggest=True))
    finally:
        store.close()
