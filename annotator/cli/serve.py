"""`annotator serve`: the workbench in a browser; `_serve-session`: one browser's app.

`serve` imports aiohttp and textual-serve (the `serve` extra) only when it runs. The
hidden `_serve-session` command is what the server starts for each connection, with a
fixed command line; who it runs as comes from the environment the server sets (see
`annotator.serve.auth`), never from its arguments.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from annotator.cli.common import DEFAULT_DB, DbOption, info, out, reports_errors


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.command("_serve-session", hidden=True)(serve_session)


@reports_errors
def serve(
    db: DbOption = Path(DEFAULT_DB),
    host: Annotated[
        str, typer.Option(help="Address to listen on; another than loopback opens it to the LAN.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port (0: any free one).")] = 8000,
    max_sessions: Annotated[
        int, typer.Option(min=1, help="Browser sessions open at once, at most.")
    ] = 16,
    idle_timeout: Annotated[
        float, typer.Option(min=1, help="Seconds without a key before a session is closed.")
    ] = 1800.0,
) -> None:
    """Serve the workbench to browsers: each person opens their link (`annotator token add`)."""
    import asyncio

    from annotator.errors import AnnotatorError
    from annotator.store import Store

    try:
        from annotator.serve.server import ServeConfig, serve as run
    except ImportError as exc:
        raise AnnotatorError(
            f"`annotator serve` needs the serve extra ({exc.name} is missing): "
            "pip install 'annotator[serve]'"
        ) from None
    with Store.open(db) as store:  # a readable project, before anything listens
        holders = store.tokens.holders()
    if not holders:
        info("nobody holds a token yet: add one with `annotator token add NAME` (--lead: review)")
    config = ServeConfig(
        db=db, host=host, port=port, max_sessions=max_sessions, idle_timeout=idle_timeout
    )

    def ready(urls: list[str]) -> None:
        for url in urls:
            out(f"serving {db} on {url}")
        if host not in ("127.0.0.1", "localhost", "::1"):
            info("listening beyond this machine: plain HTTP, put a TLS proxy in front (README)")
        info("each person opens their own link (annotator token add NAME); Ctrl+C stops")

    asyncio.run(run(config, ready))
    info("stopped; every session's work was saved as it was made")


@reports_errors
def serve_session() -> None:
    """Run one browser session's app (started by `annotator serve`, not by people)."""
    from annotator.serve.auth import ENV_DB, ENV_LEAD, ENV_NAME
    from annotator.store import Store
    from annotator.tui import make_app, run_app

    name, lead, db = os.environ[ENV_NAME], os.environ[ENV_LEAD] == "1", os.environ[ENV_DB]
    store = Store.open(db)
    try:
        run_app(make_app(store, name, review=lead))
    finally:
        store.close()
