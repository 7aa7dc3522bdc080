"""Options and error handling shared by every command, so they all behave alike."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from annotator.cli import DB_ENVVAR, DEFAULT_DB as DEFAULT_DB

DbOption = Annotated[
    Path,
    typer.Option(
        "--db",
        envvar=DB_ENVVAR,
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


def shown(message: str) -> str:
    """A message made inert for a terminal: it may quote document text, ids or paths.

    Escape sequences, other control characters and bidi overrides become visible
    stand-ins (see `annotator.printable`); line breaks and tabs stay. Every line the CLI
    writes for people goes through here, so no file can recolour, retitle or reorder
    the user's terminal. (typer.echo never reads Rich markup: brackets stay text.)
    """
    from annotator.printable import printable

    return printable(message, keep_newlines=True, keep_tabs=True)


def error(message: str) -> None:
    typer.echo(f"error: {shown(message)}", err=True)


def info(message: str) -> None:
    """Diagnostics go to stderr so that stdout carries only data."""
    typer.echo(shown(message), err=True)


def out(message: str = "", *, nl: bool = True) -> None:
    """Text for people on stdout (tables, summaries), made inert like every message."""
    typer.echo(shown(message), nl=nl)


def out_json(value: Any) -> None:
    """JSON on stdout, with active characters as `\\u` escapes: same data, inert output."""
    import json

    from annotator.printable import json_printable

    typer.echo(json_printable(json.dumps(value, indent=2, ensure_ascii=False)))


def open_store(db: Path) -> Any:
    from annotator.store import Store

    return Store.open(db)


def table(rows: list[list[str]], header: list[str]) -> str:
    """A plain aligned text table; cells made inert (names are validated, other text is not)."""
    rows = [[shown(str(cell)).replace("\n", " ") for cell in row] for row in rows]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()
