"""Options and error handling shared by every command, so they all behave alike."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

DEFAULT_DB = "annotations.db"

DbOption = Annotated[
    Path,
    typer.Option(
        "--db",
        envvar="ANNOTATOR_DB",
        help="Project database file.",
        show_default=True,
    ),
]

F = TypeVar("F", bound=Callable[..., Any])


def reports_errors(command: F) -> F:
    """Turn the library's errors into a message on stderr and exit code 1, not a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from annotator.errors import AnnotatorError

        try:
            return command(*args, **kwargs)
        except AnnotatorError as exc:
            error(str(exc))
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def error(message: str) -> None:
    typer.echo(f"error: {message}", err=True)


def info(message: str) -> None:
    """Diagnostics go to stderr so that stdout carries only data."""
    typer.echo(message, err=True)


def open_store(db: Path) -> Any:
    from annotator.store import Store

    return Store.open(db)


def table(rows: list[list[str]], header: list[str]) -> str:
    """A plain aligned text table: names here are validated, so no escaping is needed."""
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()
