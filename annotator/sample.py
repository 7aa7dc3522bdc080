"""The bundled sample corpus: inside the wheel, else the repository's `corpus/` folder."""

from __future__ import annotations

from pathlib import Path


def sample_corpus_dir() -> Path:
    package_dir = Path(__file__).resolve().parent
    for candidate in (package_dir / "_data" / "corpus", package_dir.parent / "corpus"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the sample corpus is missing from the install")


def sample_corpus_files() -> list[Path]:
    """Sample documents in a stable order, so every first run numbers them alike."""
    return sorted(sample_corpus_dir().glob("*.txt"))
