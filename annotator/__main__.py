"""Allow `python -m annotator`, the same entry point as the console script."""

from __future__ import annotations

from annotator.cli import main

if __name__ == "__main__":
    main()
