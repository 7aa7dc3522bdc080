"""Creating a project: a new database holding a label scheme, written once for every caller.

`annotator init`, the first `annotator import` into a missing project and the sample
project of `annotator demo` all create projects. They must agree on what a new project
holds (the scheme's exact TOML text, and where it came from: the file the user named, or
`builtin:NAME` for the bundled one), so they all come here.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annotator.models import Scheme


def create_project(db: Path, scheme_path: Path | None = None) -> Scheme:
    """Create the project `db` holding a scheme; refuses to overwrite a project.

    Args:
        db: the new project file.
        scheme_path: a scheme TOML file; None takes the bundled default scheme.

    Returns:
        The scheme the project now holds (for the caller to report).

    Raises:
        SchemeError: the scheme file is unreadable or invalid.
        StoreError: a project already exists at `db`.
    """
    from annotator.scheme import load_scheme
    from annotator.store import Store

    scheme, text = load_scheme(scheme_path)
    source = str(scheme_path) if scheme_path is not None else f"builtin:{scheme.qualified_name}"
    Store.create(db, text, source).close()
    return scheme


def ensure_project(db: Path, scheme_path: Path | None = None) -> Scheme | None:
    """Create the project `db` unless it exists; returns the scheme only when it created it.

    An existing project is left as it is (its own scheme stays; `scheme_path` is unused).
    """
    if db.exists():
        return None
    return create_project(db, scheme_path)
