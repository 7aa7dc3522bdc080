"""A project made before the motions took their keys still opens and still labels."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from annotator.errors import SchemeError
from annotator.models import MOTION_KEYS
from annotator.scheme import load_scheme, parse_scheme
from annotator.store import Store
from annotator.tui import make_app
from tests.tui.tui_helpers import SIZE, add_doc, layer, open_doc


def with_demand_on(key: str) -> str:
    text = load_scheme()[1]
    assert 'key = "d"' in text
    return text.replace('key = "d"', f"key = {json.dumps(key)}", 1)


def old_project(path: Path, key: str) -> Store:
    """A project whose stored scheme gives `demand` the key `key` (as 0.1 allowed)."""
    store = Store.create(path, load_scheme()[1], "builtin:negotiation-v2")
    store.close()
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE project SET value = ? WHERE key = 'scheme'", (with_demand_on(key),))
    return Store.open(path)


def test_a_new_scheme_may_not_take_a_motion_key() -> None:
    for key in sorted(MOTION_KEYS - {" "}):
        with pytest.raises(SchemeError, match="bound by the annotation screen"):
            parse_scheme(with_demand_on(key), "new.toml")


def test_an_old_project_with_a_motion_key_opens_and_updates(tmp_path: Path) -> None:
    store = old_project(tmp_path / "old.db", "f")
    assert store.scheme.label("demand").key == "f"
    # An update may keep the key the project already had; it may not take another one.
    store.update_scheme(with_demand_on("f").replace("version = 1", "version = 2"), "v2.toml")
    with pytest.raises(SchemeError, match="bound by the annotation screen"):
        store.update_scheme(with_demand_on(","), "v3.toml")
    store.close()


async def test_in_the_workbench_the_motion_wins_and_the_number_labels(tmp_path: Path) -> None:
    store = old_project(tmp_path / "old.db", "f")
    doc_id = add_doc(store, "Lavrov rejects NATO path, calls for neutral Ukraine.")
    app = make_app(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        view = await open_doc(pilot, doc_id)
        assert any("now starts a motion" in n.message for n in app._notifications)
        await pilot.press("f", "comma")  # through the next comma: a motion, not a label
        assert layer(store, doc_id) == []
        assert view.selection is not None and view.selection.end == 25
        await pilot.press("1")
        assert layer(store, doc_id) == [(0, 25, "demand", "Lavrov rejects NATO path,")]
    store.close()
