"""An import in a child process, for the kill test (run as a script).

Imports the given files one after the other, as `annotator import` does, printing
`done FILE` after each file's transaction committed and `progress BYTES` while reading,
so that the parent can kill it in the middle of a file.
"""

from __future__ import annotations

import sys
from pathlib import Path

from annotator.ingest import import_file
from annotator.store import Store


def main(db: Path, files: list[Path]) -> None:
    with Store.open(db) as store:
        for path in files:
            import_file(store, path, progress=lambda done: print(f"progress {done}", flush=True))
            print(f"done {path.name}", flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), [Path(arg) for arg in sys.argv[2:]])
