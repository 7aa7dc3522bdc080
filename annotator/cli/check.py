"""`annotator check`: is the project file sound? Exit 1 with a report when it is not."""

from __future__ import annotations

from pathlib import Path

import typer

from annotator.cli.common import DEFAULT_DB, DbOption, error, info, open_store, reports_errors


def register(app: typer.Typer) -> None:
    app.command("check")(check)


@reports_errors
def check(db: DbOption = Path(DEFAULT_DB)) -> None:
    """Check the project: file integrity, foreign keys, spans against texts and scheme, log.

    Prints what is wrong on stderr and exits 1; prints nothing else and exits 0 when the
    project is sound. Only reads: safe while others annotate, and on a read-only copy.
    """
    with open_store(db) as store:
        problems = store.check()
    if not problems:
        info(f"{db}: ok")
        return
    error(f"{db}: {len(problems)} problem{'' if len(problems) == 1 else 's'} found")
    for problem in problems:
        info(f"  {problem.message}")
    raise typer.Exit(1)
