"""`annotator annotate` read without typer, and what both readings then run.

Only plain arguments are read here: `--as`, `--db` and `--doc`, each once, with a value
(`--name value` or `--name=value`). Anything else is left to typer (`main`), so help and
errors about arguments stay typer's; a test keeps these options the typer command's.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from annotator.cli import DB_ENVVAR, DEFAULT_DB

ANNOTATE_OPTIONS = frozenset({"--as", "--db", "--doc"})
"""The options of `annotator annotate`, read without typer (a test keeps them typer's)."""


def plain_annotate_arguments(argv: Sequence[str]) -> dict[str, str] | None:
    """`annotate`'s options when each is given once with a plain value, else None."""
    if not argv or argv[0] != "annotate":
        return None
    found: dict[str, str] = {}
    rest = list(argv[1:])
    while rest:
        name, equals, value = rest.pop(0).partition("=")
        if not equals:
            if not rest:
                return None
            value = rest.pop(0)
        if name not in ANNOTATE_OPTIONS or name in found or not value or value.startswith("-"):
            return None
        found[name] = value
    return found if "--as" in found else None


def annotate_plainly(arguments: dict[str, str]) -> int:
    """`annotator annotate` read by `plain_annotate_arguments`; its exit code."""
    from annotator.errors import AnnotatorError

    db = Path(arguments.get("--db") or os.environ.get(DB_ENVVAR) or DEFAULT_DB)
    try:
        open_workbench(arguments["--as"], db, arguments.get("--doc"))
    except AnnotatorError as exc:
        from annotator.cli.common import error

        error(str(exc))
        return 1
    return 0


def open_workbench(annotator: str, db: Path, doc: str | None) -> None:
    """`annotator annotate`, however its arguments were read."""
    from annotator.errors import AnnotatorError
    from annotator.shapes import check_name
    from annotator.tui import run_workbench

    try:
        check_name(annotator, "annotator name")
    except ValueError as exc:  # a message, not a traceback
        raise AnnotatorError(f"--as: {exc}") from None
    run_workbench(db, annotator, doc)
