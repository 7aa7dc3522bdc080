"""Access tokens in the project file: stored as digests, found in constant time, revocable."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from annotator.errors import StoreError
from annotator.store import Store
from annotator.store.tokens import TokenExistsError, digest


def test_a_token_names_its_holder_and_only_its_digest_is_stored(
    store: Store, db_path: Path
) -> None:
    alice = store.tokens.add("alice", lead=False)
    lead = store.tokens.add("lena", lead=True)
    assert len(alice) >= 43 and alice != lead
    found = store.tokens.holder(alice)
    assert found is not None and (found.name, found.lead) == ("alice", False)
    found = store.tokens.holder(lead)
    assert found is not None and (found.name, found.lead) == ("lena", True)
    assert store.tokens.holder(alice[:-1]) is None
    assert store.tokens.holder("") is None
    assert [h.name for h in store.tokens.holders()] == ["alice", "lena"]
    raw = db_path.read_bytes() + Path(f"{db_path}-wal").read_bytes()
    assert alice.encode() not in raw and lead.encode() not in raw
    assert digest(alice).encode() in raw


def test_revoking_ends_the_token_and_a_name_holds_one_token(store: Store) -> None:
    token = store.tokens.add("alice", lead=False)
    with pytest.raises(TokenExistsError, match="revoke it first"):
        store.tokens.add("alice", lead=True)
    assert store.tokens.revoke("alice") is True
    assert store.tokens.holder(token) is None
    assert store.tokens.revoke("alice") is False
    again = store.tokens.add("alice", lead=False)
    assert again != token and store.tokens.holder(again) is not None


@pytest.mark.parametrize("name", ["", "$(touch pwned)", "a b", "-rf", "x;y", "é" * 65, "a\nb"])
def test_hostile_names_get_no_token(store: Store, name: str) -> None:
    with pytest.raises(StoreError, match="must be"):
        store.tokens.add(name, lead=False)
    assert store.tokens.holders() == []


def test_an_older_project_gets_the_tokens_table(db_path: Path, scheme_text: str) -> None:
    Store.create(db_path, scheme_text, "builtin:negotiation-v2").close()
    conn = sqlite3.connect(db_path)
    conn.execute("DROP TABLE tokens")
    # Nor had it the tables and column of migrations 6 and 7.
    conn.execute("DROP TABLE relations")
    conn.execute("DROP TABLE suggestions")
    conn.execute("ALTER TABLE spans DROP COLUMN origin")
    # Nor had a schema-3 file the places of migration 5.
    conn.execute("ALTER TABLE assignments DROP COLUMN left_at")
    conn.execute("ALTER TABLE assignments DROP COLUMN cursor")
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()
    with Store.open(db_path) as store:
        assert store.tokens.holder(store.tokens.add("bob", lead=False)) is not None


def test_token_errors_are_store_errors() -> None:
    assert issubclass(TokenExistsError, StoreError)
