"""The typer app: every command of `annotator`, each registered from its module.

Only typer and the standard library are imported here; each command imports what it
needs when it runs, so `annotator --help` stays fast and never loads Textual.
"""

from __future__ import annotations

import typer

from annotator.cli import (
    agreement,
    annotate,
    check,
    data,
    merge,
    project,
    schema,
    serve,
    suggest,
    team,
    token,
    train,
)

app = typer.Typer(
    name="annotator",
    help="Label text spans in the terminal, measure agreement, export training data.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
project.register(app)
data.register(app)
annotate.register(app)
team.register(app)
agreement.register(app)
merge.register(app)
check.register(app)
app.add_typer(schema.app, name="schema")
serve.register(app)
app.add_typer(token.app, name="token")
train.register(app)
suggest.register(app)


def _version(value: bool) -> None:
    if value:
        from annotator import __version__

        typer.echo(f"annotator {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Label text spans in the terminal, measure agreement, export training data."""
