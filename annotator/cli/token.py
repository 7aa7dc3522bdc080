"""`annotator token add|list|revoke`: who may open the workbench that `annotator serve` serves.

A token is shown once, when it is made: the project keeps only its digest. Data (the
token, the link, the list) goes to stdout, advice to stderr.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from annotator.cli.common import DEFAULT_DB, DbOption, info, open_store, out, reports_errors, table

app = typer.Typer(
    help="Access tokens for `annotator serve`: one secret link per person.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

DEFAULT_URL = "http://127.0.0.1:8000/"


@app.command("add")
@reports_errors
def add(
    name: Annotated[str, typer.Argument(help="The person: their annotator name, or a lead's.")],
    db: DbOption = Path(DEFAULT_DB),
    lead: Annotated[
        bool, typer.Option("--lead", help="Open the review (gold layer), not a queue.")
    ] = False,
    url: Annotated[
        str, typer.Option(help="The server's address as people reach it, for the link.")
    ] = DEFAULT_URL,
) -> None:
    """Make NAME a token and print it with their link (shown this once only)."""
    with open_store(db) as store:
        token = store.tokens.add(name, lead=lead)  # refuses a name that is not plain
    out(f"token: {token}")
    out(f"link:  {url.rstrip('/')}/?token={token}")
    role = "the review" if lead else f"{name}'s queue"
    info(f"{name}: this link opens {role}; it is shown once, send it privately")


@app.command("list")
@reports_errors
def list_(db: DbOption = Path(DEFAULT_DB)) -> None:
    """Everyone holding a token (the tokens themselves are not kept)."""
    with open_store(db) as store:
        holders = store.tokens.holders()
    if not holders:
        info("no tokens yet: `annotator token add NAME`")
        return
    rows = [[h.name, "lead" if h.lead else "annotator", h.created[:19]] for h in holders]
    out(table(rows, ["name", "role", "created"]))


@app.command("revoke")
@reports_errors
def revoke(
    name: Annotated[str, typer.Argument(help="Whose token to remove.")],
    db: DbOption = Path(DEFAULT_DB),
) -> None:
    """Remove NAME's token: their link stops working and their open sessions end."""
    from annotator.errors import AnnotatorError

    with open_store(db) as store:
        if not store.tokens.revoke(name):
            raise AnnotatorError(f"{name} holds no token (see `annotator token list`)")
    info(f"revoked {name}'s token; a running server ends their sessions within seconds")
