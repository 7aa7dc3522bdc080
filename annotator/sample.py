"""The bundled sample corpus: inside the wheel, else the repository's `corpus/` folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annotator.models import Scheme
    from annotator.store import Store


def sample_corpus_dir() -> Path:
    package_dir = Path(__file__).resolve().parent
    for candidate in (package_dir / "_data" / "corpus", package_dir.parent / "corpus"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the sample corpus is missing from the install")


def sample_corpus_files() -> list[Path]:
    """Sample documents in a stable order, so every first run numbers them alike."""
    return sorted(sample_corpus_dir().glob("*.txt"))


@dataclass
class SampleProject:
    """The sample project, open, with what its setup did (for the caller to report)."""

    store: Store
    created: Scheme | None
    """The scheme of a project created just now; None when the project existed."""
    added: int
    """Sample documents imported now (0 when all were there already)."""


def open_sample_project(db: Path) -> SampleProject:
    """Create the project `db` on first use and (re-)import the sample corpus into it.

    Importing is idempotent (ids are content hashes), so a project that has the sample
    documents gains nothing, and one whose documents were deleted gets them back.
    The caller closes `SampleProject.store`.
    """
    from annotator.ingest import import_file
    from annotator.project import ensure_project
    from annotator.store import Store

    created = ensure_project(db)
    store = Store.open(db)
    try:
        added = sum(
            import_file(store, path, actor="demo").counts.documents
            for path in sample_corpus_files()
        )
    except BaseException:
        store.close()
        raise
    return SampleProject(store, created, added)
