"""Sustained span writes per second with 1, 4 and 8 writer processes on one project file.

    python bench/concurrent_writes.py [--seconds 5] [--writers 1,4,8]

The shared-server setup: every annotator runs their own `annotator annotate` process on
one SQLite file, each span action one short transaction (BEGIN IMMEDIATE, insert, event
row, commit). Each writer adds spans through the public Store API for a fixed wall time;
the figure is committed spans per second over all writers. The baseline, measured in the
same run, is one process doing the same number of plain `sqlite3` single-row inserts, each
in its own transaction, on a table of the same shape: what SQLite itself allows. Not part
of the test suite.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sqlite3
import tempfile
import time
from pathlib import Path

from annotator.scheme import load_scheme
from annotator.store import NewDocument, Store

LABELS = ("demand", "guarantor", "quote", "attribution", "opinion")
TEXT = "The envoy said the guarantees must be binding and verifiable. " * 40


def _writer(
    db: str, name: str, start_at: float, seconds: float, counts: multiprocessing.Queue[int]
) -> None:
    with Store.open(db) as store:
        documents = store.document_ids()
        while time.time() < start_at:
            time.sleep(0.001)
        done = 0
        stop = start_at + seconds
        while time.time() < stop:
            start = done % 2000
            store.add_span(
                documents[done % len(documents)],
                name,
                start,
                start + 3 + done // 2000,
                LABELS[done % 5],
            )
            done += 1
    counts.put(done)


def store_rate(folder: Path, writers: int, seconds: float) -> float:
    db = folder / f"w{writers}.db"
    with Store.create(db, load_scheme()[1], "builtin:bench") as store, store.transaction():
        store.import_documents([NewDocument(text=f"{n} {TEXT}") for n in range(8)])
    context = multiprocessing.get_context("spawn")
    counts: multiprocessing.Queue[int] = context.Queue()
    start_at = time.time() + 1.5  # every writer has opened the project by then
    processes = [
        context.Process(target=_writer, args=(str(db), f"ann{n}", start_at, seconds, counts))
        for n in range(writers)
    ]
    for process in processes:
        process.start()
    total = sum(counts.get(timeout=seconds + 60) for _ in processes)
    for process in processes:
        process.join()
    with Store.open(db) as store:
        assert store.integrity_check() == "ok"
        assert store.stats()["spans"] == total
    return float(total / seconds)


def baseline_rate(folder: Path, seconds: float) -> float:
    connection = sqlite3.connect(folder / "baseline.db", isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute(
        "CREATE TABLE spans (id INTEGER PRIMARY KEY, doc INTEGER, layer TEXT, start INTEGER, "
        '"end" INTEGER, label TEXT, UNIQUE (doc, layer, start, "end", label))'
    )
    done = 0
    stop = time.perf_counter() + seconds
    while time.perf_counter() < stop:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(
            'INSERT INTO spans (doc, layer, start, "end", label) VALUES (?, ?, ?, ?, ?)',
            (done % 8, "ann0", done % 2000, done % 2000 + 3 + done // 2000, LABELS[done % 5]),
        )
        connection.execute("COMMIT")
        done += 1
    connection.close()
    return done / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--writers", default="1,4,8")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        baseline = baseline_rate(folder, args.seconds)
        print(f"baseline: plain sqlite3, one insert per transaction: {baseline:,.0f} rows/s")
        single = None
        for writers in (int(n) for n in args.writers.split(",")):
            rate = store_rate(folder, writers, args.seconds)
            single = single or rate
            print(
                f"{writers} writer{'s' if writers > 1 else ' '}: {rate:>9,.0f} spans/s  "
                f"{rate / baseline:.2f}x baseline  {rate / single:.2f}x one writer  "
                f"({rate / writers:,.0f} per writer)"
            )


if __name__ == "__main__":
    main()
