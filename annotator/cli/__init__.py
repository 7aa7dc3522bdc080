"""The `annotator` command: a thin typer layer over the library (`commands`).

`main` runs `annotator annotate` without typer when its arguments are plain (`plain`):
typer builds its parameters through pydantic, and the workbench paints its first frame
before either is imported (see `annotator.tui`). Any other arguments, `--help` among
them, and every other command go through typer, which also says what is wrong with
arguments the plain reading does not take.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from annotator.cli.commands import app as app

DEFAULT_DB = "annotations.db"
DB_ENVVAR = "ANNOTATOR_DB"
"""The project file when `--db` is not given; `DEFAULT_DB` when this is not set either."""


def main() -> None:
    from annotator.cli.plain import annotate_plainly, plain_annotate_arguments

    arguments = plain_annotate_arguments(sys.argv[1:])
    if arguments is not None:
        sys.exit(annotate_plainly(arguments))
    from annotator.cli.commands import app

    app()


def __getattr__(name: str) -> Any:
    """`from annotator.cli import app`: the typer app, loaded when asked for."""
    if name == "app":
        from annotator.cli.commands import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
