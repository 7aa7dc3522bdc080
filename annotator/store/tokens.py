"""Access tokens for `annotator serve`: one secret per person, stored only as a digest.

A token is `secrets.token_urlsafe(32)`: 256 random bits. The project keeps its SHA-256,
never the token itself, so a copy of the project file (a backup, a merge source) opens
no session. A slow password hash (scrypt, argon2) exists to make guessing a *human*
password expensive; a 256-bit random secret cannot be guessed at any speed, and one
SHA-256 of it cannot be reversed, so a fast hash protects as much while keeping the check
the server makes on every request cheap. Digests are compared with `hmac.compare_digest`
against every stored row, without stopping at the first match, so how long a check takes
says nothing about how close a guess came.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from annotator.errors import StoreError
from annotator.models import Strict, check_name
from annotator.store.connection import Connection, now

TOKEN_BYTES = 32
"""Random bytes per token (43 URL-safe characters)."""


class TokenHolder(Strict):
    """Who a token belongs to: a person, and whether they lead (review) or annotate."""

    name: str
    lead: bool
    created: str


class TokenExistsError(StoreError):
    """The person already holds a token; revoke it first (a new link needs a new token)."""


def digest(token: str) -> str:
    """The stored form of a token: its SHA-256, hex (see the module docstring for why)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Tokens:
    """The `tokens` table: add, list, revoke, and find who holds a presented token.

    The `Store` facade exposes this part as `store.tokens`; each write is its own
    transaction (a savepoint inside `store.transaction()`), like every facade method.
    """

    def __init__(self, db: Connection) -> None:
        self.db = db

    def add(self, name: str, *, lead: bool) -> str:
        """A new token for `name`; returns the secret (the only time it exists in clear).

        Raises:
            StoreError: the name is not a plain name (it reaches environments and logs).
            TokenExistsError: `name` already holds a token.
        """
        try:
            check_name(name, "name")
        except ValueError as exc:
            raise StoreError(str(exc)) from None
        token = secrets.token_urlsafe(TOKEN_BYTES)
        with self.db.transaction():
            if self.db.one("SELECT 1 FROM tokens WHERE name = ?", (name,)):
                raise TokenExistsError(
                    f"{name} already has a token; revoke it first "
                    f"(`annotator token revoke {name}`), then add a new one"
                )
            self.db.execute(
                "INSERT INTO tokens (name, lead, digest, created) VALUES (?, ?, ?, ?)",
                (name, int(lead), digest(token), now()),
            )
        return token

    def revoke(self, name: str) -> bool:
        """Remove `name`'s token; whether there was one."""
        with self.db.transaction():
            return self.db.execute("DELETE FROM tokens WHERE name = ?", (name,)).rowcount > 0

    def holders(self) -> list[TokenHolder]:
        """Everyone holding a token, by name (no digests: nobody outside needs them)."""
        rows = self.db.execute("SELECT name, lead, created FROM tokens ORDER BY name")
        return [TokenHolder(name=n, lead=bool(lead), created=c) for n, lead, c in rows]

    def holder(self, token: str) -> TokenHolder | None:
        """Who holds `token`, or None; compares with every row in constant time."""
        wanted = digest(token).encode("ascii")
        found: TokenHolder | None = None
        rows = self.db.execute("SELECT name, lead, created, digest FROM tokens").fetchall()
        for name, lead, created, stored in rows:
            if hmac.compare_digest(wanted, str(stored).encode("ascii")):
                found = TokenHolder(name=name, lead=bool(lead), created=created)
        return found
