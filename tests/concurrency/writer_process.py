"""A writer for the concurrency tests: one process, one annotator, many small writes.

Run as a script (not collected by pytest). It waits for a start file so that all
writers begin together, then adds, relabels and deletes spans through the public Store
API, appending a line to its acknowledgement file only after each call has returned: what
is in that file is what the user was told had been saved.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from annotator.store import Store

LABELS = ("demand", "guarantor", "quote", "attribution", "opinion")


def main(db: Path, name: str, count: int, acks: Path, start_flag: Path) -> None:
    while not start_flag.exists():
        time.sleep(0.001)
    with Store.open(db) as store, acks.open("w", encoding="utf-8") as out:
        documents = store.document_ids()
        mine: list[int] = []
        for i in range(count):
            doc_id = documents[i % len(documents)]
            span = store.add_span(doc_id, name, i, i + 5, LABELS[i % len(LABELS)])
            mine.append(span.id)
            out.write(json.dumps(["add", span.id, doc_id, span.start, span.end, span.label]) + "\n")
            if i % 5 == 4:
                target = mine[-2]
                span = store.update_span(target, label=LABELS[(i + 1) % len(LABELS)])
                out.write(json.dumps(["update", span.id, span.label]) + "\n")
            if i % 7 == 6:
                target = mine.pop(-3)
                store.delete_span(target)
                out.write(json.dumps(["delete", target]) + "\n")
            out.flush()


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), Path(sys.argv[4]), Path(sys.argv[5]))
