"""Export throughput and peak memory of jsonl, conll, hf and spacy against baselines.

    python bench/exports.py [--docs 100000] [--spans-per-doc 10] [--also 10000]

A deterministic corpus of news-length documents (the generator of bench/import_export.py,
with every span in the gold layer so that single-layer formats export them all) is
imported once; each phase then runs in its own child process, so that its peak memory
(max RSS) is its own:

- jsonl: the exporter against the plain-sqlite3 baseline of bench/import_export.py
  (one query per table, `json.dumps` a line per document);
- spacy: the exporter against a hand-written loop that reads the same rows with plain
  sqlite3, builds the same Docs with `spacy.blank("en")` (spans in `doc.spans["sc"]`,
  non-overlapping ones in `doc.ents`, the id in `user_data`) and adds them to a DocBin,
  written every `--shard-docs` documents as the exporter does (one DocBin of 100,000
  news documents would not fit in memory at all);
- conll and hf: the exporters on their own (seconds, documents per second, peak MB).

`--also N` repeats at a second size, to show whether memory grows with the corpus.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpora import news_corpus, peak_mb
from import_export import phase_baseline_export

SHARD_DOCS = 2000


# ----------------------------------------------------------------------------- phases


def phase_import(corpus: Path, db: Path) -> None:
    from annotator.ingest import import_file
    from annotator.scheme import load_scheme
    from annotator.store import Store

    _, scheme_text = load_scheme()
    with Store.create(db, scheme_text, "bench") as store:
        import_file(store, corpus)


def _export(fmt: str, db: Path, out: Path) -> None:
    from annotator.exporters import ExportOptions, get_exporter
    from annotator.store import Store

    with Store.open(db) as store:
        get_exporter(fmt).export(store, out, None, ExportOptions(shard_docs=SHARD_DOCS))


def phase_spacy_baseline(db: Path, out: Path) -> None:
    import spacy
    from spacy.tokens import DocBin
    from spacy.util import filter_spans

    nlp = spacy.blank("en")
    out.mkdir()
    conn = sqlite3.connect(db)
    spans = conn.execute(
        'SELECT doc, start, "end", label FROM spans WHERE layer = ? ORDER BY doc, start, "end"',
        ("gold",),
    )
    pending = next(spans, None)
    docbin, shard = DocBin(store_user_data=True), 0
    for seq, doc_id, text in conn.execute("SELECT seq, id, text FROM documents ORDER BY seq"):
        doc = nlp.make_doc(text)
        mine = []
        while pending is not None and pending[0] == seq:
            span = doc.char_span(pending[1], pending[2], label=pending[3])
            if span is not None:
                mine.append(span)
            pending = next(spans, None)
        doc.spans["sc"] = mine
        doc.ents = filter_spans(mine)
        doc.user_data["id"] = doc_id
        docbin.add(doc)
        if len(docbin) >= SHARD_DOCS:
            (out / f"{shard:05d}.spacy").write_bytes(docbin.to_bytes())
            docbin, shard = DocBin(store_user_data=True), shard + 1
    if len(docbin):
        (out / f"{shard:05d}.spacy").write_bytes(docbin.to_bytes())
    conn.close()


PHASES: dict[str, Callable[[Path, Path], None]] = {
    "import": phase_import,
    "baseline-jsonl": phase_baseline_export,
    "baseline-spacy": phase_spacy_baseline,
    "jsonl": partial(_export, "jsonl"),
    "conll": partial(_export, "conll"),
    "hf": partial(_export, "hf"),
    "spacy": partial(_export, "spacy"),
}


def child(name: str, *args: str) -> None:
    # Library imports are start-up cost, measured on their own; time the work only.
    import annotator.exporters.common
    import annotator.store  # noqa: F401

    if "spacy" in name:
        import spacy  # noqa: F401
    if name == "hf":
        import pyarrow.parquet  # noqa: F401
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


def measure(docs: int, spans_per_doc: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        corpus = root / "corpus.jsonl"
        spans = news_corpus(corpus, docs, spans_per_doc, seed=11)
        db = root / "project.db"
        imported = run_child("import", corpus, db)
        print(
            f"\n{docs:,} documents, {spans:,} gold spans "
            f"(imported in {imported['seconds']:.0f} s, {db.stat().st_size / 1e6:,.0f} MB DB)"
        )
        header = ("format", "seconds", "docs/s", "baseline s", "ratio", "peak MB")
        print("{:<7} {:>8} {:>8} {:>10} {:>6} {:>8}".format(*header))
        rows = [
            ("jsonl", "baseline-jsonl", ".jsonl"),
            ("conll", None, ".conll"),
            ("hf", None, ""),
            ("spacy", "baseline-spacy", ".spacy"),
        ]
        for fmt, baseline, suffix in rows:
            ours = run_child(fmt, db, root / f"ours-{fmt}{suffix}")
            line = f"{fmt:<7} {ours['seconds']:>8.1f} {docs / ours['seconds']:>8,.0f}"
            if baseline:
                base = run_child(baseline, db, root / f"base-{fmt}{suffix}")
                line += (
                    f" {base['seconds']:>10.1f} {ours['seconds'] / base['seconds']:>5.2f}x"
                    f" {ours['peak_mb']:>8.0f}   (baseline peak {base['peak_mb']:.0f} MB)"
                )
            else:
                line += f" {'':>10} {'':>6} {ours['peak_mb']:>8.0f}"
            print(line, flush=True)


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
    for docs in [n for n in (args.also, args.docs) if n]:
        measure(docs, args.spans_per_doc)


if __name__ == "__main__":
    main()
