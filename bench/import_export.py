"""Import and export throughput against plain-sqlite3 baselines measured in the same run.

    python bench/import_export.py [--docs 100000] [--spans-per-doc 10] [--also 10000]

A deterministic generator writes a JSONL corpus of news-length documents with spans; every
phase runs in its own child process so that its peak memory (max RSS) is its own:

- baseline import: read the file, `json.loads` each line, `executemany` the same rows
  into plain tables in one transaction;
- annotator import: `annotator.ingest.import_file` (validation, dedupe, event log);
- baseline export: one plain `sqlite3` query per table, `json.dumps` a line per document;
- annotator export: the `jsonl` exporter (streamed, atomic).

Printed as seconds, ratio to the baseline, and peak MB. `--also N` repeats at a second
size to show whether memory grows with the corpus. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from corpora import news_corpus, peak_mb

# ----------------------------------------------------------------------------- phases


def phase_baseline_import(corpus: Path, db: Path) -> None:
    """The same rows as the project stores (documents and spans, with their timestamps),
    written by plain `executemany` into tables with no index, constraint or validation."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(
        "CREATE TABLE documents (seq INTEGER PRIMARY KEY, id TEXT, text TEXT, length INTEGER,"
        " source TEXT, meta TEXT, created TEXT)"
    )
    conn.execute(
        'CREATE TABLE spans (doc INTEGER, layer TEXT, start INTEGER, "end" INTEGER, label TEXT,'
        " created TEXT, updated TEXT)"
    )
    stamp = datetime.now(UTC).isoformat(timespec="microseconds")
    insert_docs = "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?)"
    insert_spans = "INSERT INTO spans VALUES (?, ?, ?, ?, ?, ?, ?)"
    docs: list[tuple[object, ...]] = []
    spans: list[tuple[object, ...]] = []
    with conn, corpus.open("rb") as lines:
        for seq, line in enumerate(lines, start=1):
            record = json.loads(line)
            text = record["text"]
            docs.append((seq, record["id"], text, len(text), corpus.name, "{}", stamp))
            spans.extend(
                (seq, s["annotator"], s["start"], s["end"], s["label"], stamp, stamp)
                for s in record["spans"]
            )
            if len(docs) >= 1000:
                conn.executemany(insert_docs, docs)
                conn.executemany(insert_spans, spans)
                docs.clear()
                spans.clear()
        conn.executemany(insert_docs, docs)
        conn.executemany(insert_spans, spans)
    conn.close()


def phase_import(corpus: Path, db: Path) -> None:
    from annotator.ingest import import_file
    from annotator.scheme import load_scheme
    from annotator.store import Store

    _, scheme_text = load_scheme()
    with Store.create(db, scheme_text, "bench") as store:
        import_file(store, corpus)


def phase_baseline_export(db: Path, out: Path) -> None:
    conn = sqlite3.connect(db)
    spans = conn.execute(
        'SELECT doc, layer, start, "end", label FROM spans ORDER BY doc, layer, start, "end", label'
    )
    pending = next(spans, None)
    with out.open("w", encoding="utf-8") as handle:
        documents = conn.execute("SELECT seq, id, text, source, meta FROM documents ORDER BY seq")
        for seq, doc_id, text, source, meta in documents:
            mine = []
            while pending is not None and pending[0] == seq:
                _, layer, start, end, label = pending
                mine.append(
                    {
                        "annotator": layer,
                        "label": label,
                        "start": start,
                        "end": end,
                        "text": text[start:end],
                    }
                )
                pending = next(spans, None)
            record = {
                "id": doc_id,
                "text": text,
                "source": source,
                "meta": json.loads(meta),
                "spans": mine,
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    conn.close()


def phase_export(db: Path, out: Path) -> None:
    from annotator.exporters import get_exporter
    from annotator.store import Store

    with Store.open(db) as store:
        get_exporter("jsonl").export(store, out, None)


PHASES = {
    "baseline-import": phase_baseline_import,
    "import": phase_import,
    "baseline-export": phase_baseline_export,
    "export": phase_export,
}


def child(name: str, *args: str) -> None:
    # Module imports are start-up cost, measured on their own; time the work only.
    import annotator.exporters.jsonl
    import annotator.ingest.jsonl
    import annotator.store  # noqa: F401

    started = time.perf_counter()
    PHASES[name](*map(Path, args))
    print(json.dumps({"seconds": time.perf_counter() - started, "peak_mb": peak_mb()}))


def run_child(name: str, *args: Path) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, __file__, "--phase", name, *map(str, args)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    found: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return found


def startup_ratio(repeats: int = 20) -> tuple[float, float]:
    """Fastest wall time of `annotator --help` and of `python -c 'import typer'`.

    The two commands alternate so that machine noise hits both alike; the minimum is
    the least noisy estimate of start-up cost.
    """
    script = Path(sys.executable).with_name("annotator")
    commands = {
        "ours": [str(script), "--help"]
        if script.exists()
        else [sys.executable, "-m", "annotator", "--help"],
        "typer": [sys.executable, "-c", "import typer"],
    }
    best = {name: float("inf") for name in commands}
    for _ in range(repeats):
        for name, command in commands.items():
            started = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            best[name] = min(best[name], time.perf_counter() - started)
    return best["ours"], best["typer"]


def measure(docs: int, spans_per_doc: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        corpus = root / "corpus.jsonl"
        spans = news_corpus(corpus, docs, spans_per_doc, annotators=("alice", "bob", "gold"))
        size = corpus.stat().st_size / 1e6
        print(f"\n{docs:,} documents, {spans:,} spans, {size:,.0f} MB of JSONL")
        base_in = run_child("baseline-import", corpus, root / "plain.db")
        ours_in = run_child("import", corpus, root / "project.db")
        base_out = run_child("baseline-export", root / "project.db", root / "plain.jsonl")
        ours_out = run_child("export", root / "project.db", root / "ours.jsonl")
        print(f"{'phase':<8} {'baseline s':>10} {'annotator s':>11} {'ratio':>6} {'peak MB':>8}")
        for phase, base, ours in (("import", base_in, ours_in), ("export", base_out, ours_out)):
            print(
                f"{phase:<8} {base['seconds']:>10.2f} {ours['seconds']:>11.2f} "
                f"{ours['seconds'] / base['seconds']:>5.2f}x {ours['peak_mb']:>8.0f}"
                f"   (baseline peak {base['peak_mb']:.0f} MB)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--spans-per-doc", type=int, default=10)
    parser.add_argument("--also", type=int, default=10_000, help="a second corpus size (0: none)")
    parser.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        child(*args.phase)
        return
    ours, typer_only = startup_ratio()
    print(
        f"startup: annotator --help {ours * 1000:.0f} ms, import typer {typer_only * 1000:.0f} ms"
        f" -> {ours / typer_only:.2f}x"
    )
    for docs in [n for n in (args.also, args.docs) if n]:
        measure(docs, args.spans_per_doc)


if __name__ == "__main__":
    main()
