"""Editing the default scheme's TOML in tests the way a user edits it.

Relations name the labels they start and end on (`heads`, `children`), so a label
renamed in its `[[labels]]` table must be renamed there too, or the scheme is invalid.
"""

from __future__ import annotations

import re

_ENDS = re.compile(r"^(heads|children) = \[.*\]$", re.MULTILINE)


def relation_ends_renamed(text: str, old: str, new: str) -> str:
    """The scheme text with label `old` called `new` in every relation's heads and children."""
    return _ENDS.sub(lambda found: found.group(0).replace(f'"{old}"', f'"{new}"'), text)


def rename_label(text: str, old: str, new: str) -> str:
    """The scheme text with label `old` called `new`: its table and the relations' ends."""
    renamed = text.replace(f'name = "{old}"', f'name = "{new}"')
    assert renamed != text, f"no label {old!r} in the scheme"
    return relation_ends_renamed(renamed, old, new)
