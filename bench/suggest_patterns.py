"""Suggestions at scale: `annotator suggest` (patterns + lexicon) against spaCy's own pipe.

    python bench/suggest_patterns.py [--docs 100000] [--labelled 0.02]

A deterministic generator writes news-length documents (~2.5 kB: paragraphs of quoted
speech, reporting verbs, "according to", names and plain sentences) into a project,
and labels a share of them in gold (names, places, quotes) so that the lexicon has a few
thousand texts to look for. Every phase runs in a child process of its own, so its peak
memory (max RSS) is its own, and times the work only (the pipeline is built first):

- spaCy: the same blank pipeline with the same SpanRuler (the scheme's default patterns)
  over the same texts, streamed from the project file with plain sqlite3 through
  `nlp.pipe`, reading each document's span group: what spaCy alone costs;
- suggest, dry: `annotator.suggest.run` with patterns and lexicon over every document,
  storing nothing (spaCy's matches turned into proposals, plus the lexicon);
- suggest: the same, storing the suggestions (chunks of documents per transaction), as
  `annotator suggest --documents all` does.

Printed as seconds, ratio to spaCy, and peak MB; the goal is <= 1.5x with memory flat
(`--also N` runs a second size to show it does not grow with the corpus).
Not part of the test suite.

Measured (2 shared CPUs, `--docs 100000 --also 10000`): 10k documents 40.4 s spaCy,
46.7 s dry (1.16x), 48.6 s stored (1.20x), peak 110 / 143 / 146 MB; 100k documents
416.5 s spaCy, 502.0 s dry (1.21x), 518.0 s stored (1.24x, 7.9 million suggestions),
peak 141 / 202 / 206 MB. Memory grows a little with the corpus (spaCy's own string store
does too: 110 -> 141 MB): the run holds every document id (a few MB per 100k), not texts.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from corpora import ROOT, peak_mb

sys.path.insert(0, str(ROOT))

FIRST = "Anna Jonas Maria Pavel Elena Omar Lena Ivan Sofia Tomas Ines Karl Mei Yusuf Olga".split()
LAST = "Berg Novak Petrov Lind Haddad Costa Weber Sato Kowalski Rossi Moreau Ortiz Nagy".split()
TITLES = ["Foreign Minister", "President", "Prime Minister", "Defence Minister", "Envoy"]
PLACES = "Kyiv Moscow Geneva Vienna Ankara Berlin Warsaw Tokyo Chisinau Brussels Oslo".split()
OUTLETS = ["Reuters", "the BBC", "NBC News", "Le Monde", "a news conference", "reporters"]
NOUNS = "ceasefire guarantees troops border monitors sanctions treaty delegation".split()
WORDS = (
    "talks would resume next week while negotiators from both sides insisted that any "
    "agreement must include guarantees of neutrality and security for the region"
).split()


def person(rng: random.Random) -> str:
    return f"{rng.choice(TITLES)} {rng.choice(FIRST)} {rng.choice(LAST)}"


def clause(rng: random.Random, low: int = 6, high: int = 16) -> str:
    words = [rng.choice(WORDS + NOUNS + PLACES) for _ in range(rng.randint(low, high))]
    text = " ".join(words)
    return text[0].upper() + text[1:]


def sentence(rng: random.Random) -> str:
    kind = rng.randrange(6)
    if kind == 0:
        return f"“{clause(rng)},” {person(rng)} said."
    if kind == 1:
        return f"{person(rng)} told {rng.choice(OUTLETS)} that {clause(rng)}."
    if kind == 2:
        return f"According to officials in {rng.choice(PLACES)}, {clause(rng)}."
    if kind == 3:
        return f'"{clause(rng, 3, 8)}," the {rng.choice(["minister", "spokesman"])} added.'
    return clause(rng, 12, 30) + "."


def document(number: int) -> str:
    rng = random.Random(number)
    paragraphs = [" ".join(sentence(rng) for _ in range(rng.randint(4, 7))) for _ in range(3)]
    return f"Report {number}: talks in {rng.choice(PLACES)}\n" + "\n".join(paragraphs)


# ----------------------------------------------------------------------------- phases


def phase_build(db: Path, docs: str, labelled: str) -> None:
    from annotator.models import GOLD, NewDocument
    from annotator.scheme import load_scheme
    from annotator.store import Store

    _, scheme_text = load_scheme()
    rng = random.Random(1)
    share = float(labelled)
    with Store.create(db, scheme_text, "builtin:negotiation-v2") as store:
        batch: list[NewDocument] = []
        for number in range(int(docs)):
            text = document(number)
            spans: list[tuple[str, int, int, str]] = []
            if rng.random() < share:  # someone labelled this one: names, places
                for phrase, label in (
                    (f"{rng.choice(FIRST)} {rng.choice(LAST)}", "guarantor"),
                    (rng.choice(PLACES), "opinion"),
                ):
                    at = text.find(phrase)
                    if at >= 0:
                        spans.append((GOLD, at, at + len(phrase), label))
            batch.append(NewDocument(text=text, id=f"doc-{number}", spans=spans))
            if len(batch) == 2000:
                store.import_documents(batch)
                batch = []
        if batch:
            store.import_documents(batch)


def phase_spacy(db: Path) -> float:
    from annotator.scheme import load_scheme
    from annotator.suggest.patterns import (
        SPANS_KEY,
        PatternMatcher,
        default_patterns_path,
        load_patterns,
    )

    scheme, _ = load_scheme()
    path = default_patterns_path("builtin:" + scheme.qualified_name, scheme.qualified_name)
    assert path is not None
    nlp = PatternMatcher(load_patterns(path)).nlp
    conn = sqlite3.connect(db)
    started = time.perf_counter()
    texts = (text for (text,) in conn.execute("SELECT text FROM documents ORDER BY seq"))
    found = 0
    for doc in nlp.pipe(texts, batch_size=256):
        found += len(doc.spans[SPANS_KEY])
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def phase_suggest(db: Path, dry: str) -> float:
    from annotator.store import Store
    from annotator.suggest import Source
    from annotator.suggest.run import run

    with Store.open(db) as store:
        doc_ids = store.document_ids()
        started = time.perf_counter()
        counts = run(store, [Source.PATTERNS, Source.LEXICON], doc_ids, dry_run=dry == "dry")
        elapsed = time.perf_counter() - started
    made = {f"{source}:{label}": n for (source, label), n in counts.proposals.items()}
    print(json.dumps({"proposals": made}), file=sys.stderr)
    return elapsed


def child(name: str, *args: str) -> None:
    import spacy  # noqa: F401  (imports are start-up cost, the same for every phase)

    import annotator.store  # noqa: F401

    if name == "build":
        phase_build(Path(args[0]), args[1], args[2])
        seconds = 0.0
    elif name == "spacy":
        seconds = phase_spacy(Path(args[0]))
    else:
        seconds = phase_suggest(Path(args[0]), args[1])
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb()}))


def run_child(*args: str | Path) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, __file__, "--phase", *map(str, args)], capture_output=True, text=True
    )
    if result.returncode:
        raise SystemExit(f"phase {args[0]} failed:\n{result.stderr}")
    if result.stderr.strip():
        print("   ", result.stderr.strip().splitlines()[-1])
    found: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return found


def measure(docs: int, labelled: float) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "project.db"
        started = time.perf_counter()
        run_child("build", db, str(docs), str(labelled))
        size = db.stat().st_size / 1e6
        print(
            f"\n{docs:,} documents ({size:,.0f} MB project, built in "
            f"{time.perf_counter() - started:.0f} s), {labelled:.0%} labelled in gold"
        )
        base = run_child("spacy", db)
        dry = run_child("suggest", db, "dry")
        full = run_child("suggest", db, "store")
        print(f"{'phase':<14} {'seconds':>8} {'ratio':>6} {'peak MB':>8}")
        for name, found in (("spaCy pipe", base), ("suggest, dry", dry), ("suggest", full)):
            print(
                f"{name:<14} {found['seconds']:>8.1f} {found['seconds'] / base['seconds']:>5.2f}x "
                f"{found['peak_mb']:>8.0f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--labelled", type=float, default=0.02, help="share labelled in gold")
    parser.add_argument("--also", type=int, default=0, help="a second corpus size (0: none)")
    parser.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        child(*args.phase)
        return
    for docs in [n for n in (args.also, args.docs) if n]:
        measure(docs, args.labelled)


if __name__ == "__main__":
    main()
