"""What every agreement module shares: NaN for undefined, the level and match names, and
the type of a caller's labels (see the package docstring for the conventions)."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Literal, TypeVar

NAN = float("nan")

Level = Literal["nominal", "ordinal", "interval", "ratio"]
MatchMode = Literal["exact", "overlap"]
# A caller's own label or category type (str, int, ...): mappings are invariant in their keys.
Label = TypeVar("Label", bound=Hashable)
