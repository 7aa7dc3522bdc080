"""The relation objects of one JSON record, checked alike by every JSON-based importer.

doccano and Prodigy differ in how a relation names its two spans, not in the list that
holds the relations: that list, each entry an object with a non-empty name, is checked
here once, with the same messages in both formats.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from annotator.errors import InputError


def relation_items(
    found: Any, name_key: str, fail: Callable[[str], InputError]
) -> Iterator[tuple[str, dict[str, Any], str]]:
    """`(where, item, name)` per relation of `found` (None: none), the name read from
    `name_key`; `fail` makes the error that names the file and line."""
    if found is None:
        return
    if not isinstance(found, list):
        raise fail("'relations' must be a list")
    for index, item in enumerate(found):
        where = f"relations[{index}]"
        if not isinstance(item, dict):
            raise fail(f"{where}: expected an object")
        name = item.get(name_key)
        if not isinstance(name, str) or not name:
            raise fail(f"{where}: {name_key!r} must be the relation's name, got {name!r}")
        yield where, item, name
