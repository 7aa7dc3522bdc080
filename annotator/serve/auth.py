"""Which token a request presents, and whose it is.

A person's link carries the token in the query (`/?token=...`); the page answers with a
cookie and a redirect to `/`, so the secret leaves the address bar and the history, and
the browser presents the cookie on the websocket, the static files and downloads (the
websocket URL cannot carry it: textual-serve's script appends its own query). Scripts
may present `?token=` on any request. Tokens are never logged, here or anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from aiohttp import web

    from annotator.store import Store

QUERY = "token"

# Who a session process runs as: set by the server, read by `annotator _serve-session`.
ENV_NAME = "ANNOTATOR_SESSION_NAME"
ENV_LEAD = "ANNOTATOR_SESSION_LEAD"
ENV_DB = "ANNOTATOR_SESSION_DB"


@dataclass(frozen=True)
class Identity:
    """Who a session runs as: a person, whether they lead, and the token that let them in
    (kept to notice when it is revoked)."""

    name: str
    lead: bool
    token: str

    def __repr__(self) -> str:  # the token never reaches a log line, even by accident
        return f"Identity(name={self.name!r}, lead={self.lead})"


def cookie_name(port: int) -> str:
    """One cookie per port: browsers share cookies across ports of one host, and two
    projects served side by side must not log into each other."""
    return f"annotator_token_{port}"


def presented(request: web.Request, cookie: str) -> str | None:
    """The token in the query, else in the cookie, else None."""
    return request.query.get(QUERY) or request.cookies.get(cookie) or None


def same_origin(request: web.Request) -> bool:
    """Whether a browser request comes from our own pages (no Origin: not a browser's
    cross-site request). Stops another site's page from opening a websocket with the
    visitor's cookie; a reverse proxy must pass the Host header on (see the README)."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc.lower() == request.host.lower()


class Gate:
    """Finds the holder of a token in the project (on every request: a revoked token
    stops working at once, and a new one works without restarting the server)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def identify(self, token: str | None) -> Identity | None:
        if not token:
            return None
        holder = self.store.tokens.holder(token)
        if holder is None:
            return None
        return Identity(name=holder.name, lead=holder.lead, token=token)

    def still_valid(self, identity: Identity) -> bool:
        """Whether the token still belongs to the same person with the same role."""
        return self.identify(identity.token) == identity
