"""The project store: the only package that speaks SQL, behind one thin `Store` facade.

One SQLite file per project (WAL, foreign keys, busy timeout). Typed methods go in,
pydantic models come out. Every public method is atomic by itself: a write is one
transaction (a savepoint when the caller opened `transaction()` around several), written
together with its row in the append-only event log, so a killed process loses nothing it
had acknowledged, and undo/redo and audit are derived from the log alone.

The parts, one job each: `connection` (pragmas, waiting for writers, transactions,
errors), `migrations`, `project` (settings, scheme), `documents`, `spans`, `relations`
(links between two spans of a layer), `history` (event log, undo/redo), `queue`
(assignments, progress, paging), `interchange` (what exports and reports count),
`merge_io`, `backup`, `check` (is the file sound),
`suggestions` (machine proposals, exposed as `store.suggestions`) and `guard` (no
`sqlite3.Error` leaves the facade).
`glance` reads what the workbench's first frame shows, before the rest is loaded.

The facade (`facade.Store` and the names below) is loaded when first asked for, not when
the package is: `annotator.store.glance` then loads without pydantic and the facade's
other imports, and the workbench paints before they are needed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from annotator.store.facade import (
        HistoryState as HistoryState,
        ImportCounts as ImportCounts,
        NewDocument as NewDocument,
        Problem as Problem,
        Store as Store,
        now as now,
        text_hash as text_hash,
        title_of as title_of,
    )

__all__ = [
    "HistoryState",
    "ImportCounts",
    "NewDocument",
    "Problem",
    "Store",
    "now",
    "text_hash",
    "title_of",
]


def __getattr__(name: str) -> Any:
    """`from annotator.store import Store` loads the facade then, not before."""
    if name in __all__:
        return getattr(importlib.import_module("annotator.store.facade"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
