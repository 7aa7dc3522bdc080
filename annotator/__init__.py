"""annotator: label text spans fast in the terminal, measure agreement, export training data.

Importing the package loads nothing heavy: the version only. Submodules are imported
where they are used, so that `annotator --help` stays fast and never imports Textual.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
