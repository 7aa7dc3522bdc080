"""CPU per keystroke in the annotation view, against Textual's own TextArea in the same run.

    python bench/tui_keys.py [--keys 500] [--size 1000000] [--spans 10000] [--relations 4000]
                             [--suggestions 5000]

Four documents: (a) the seed article of the sample corpus, (b) a generated document of
`--size` characters (news-like paragraphs with typographic quotes) carrying `--spans` spans,
(c) the same document with `--relations` relations between those spans as well (`says`
and `guarantees` links between neighbouring spans whose labels fit), (d) the same as (b)
with `--suggestions` stored suggestions as well, drawn as ghost spans. For each, the same
key presses (cursor moves and selection extension: arrows, shift+arrows, up/down, page
down) go through `App.run_test()` to

- ours: the workbench (`make_app`), the document opened in the annotate screen;
- baseline: a minimal app holding a read-only `TextArea` with the same text ((c) and
  (d) are compared with the TextArea run of (b): the text is the same).

Each run is its own child process, so its peak memory (max RSS) is its own; CPU is the
process's CPU time (`time.process_time`) over the presses, divided by their number. Also
timed: opening (b) and (c) in the workbench (store read, tokens, layout, first screen).
Printed: ms per key, ratios, open time and peak MB, with the targets of the issue.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from corpora import SEED_ARTICLE, big_document, peak_mb, span_relations, word_spans

SEED = SEED_ARTICLE
SIZE = (120, 40)


def key_sequence(count: int) -> list[str]:
    """Moves and selection growth, in a fixed pattern that drifts down the text."""
    pattern = [
        *["right"] * 6,
        *["shift+right"] * 4,
        "left",
        *["shift+left"] * 2,
        "down",
        "down",
        "shift+down",
        "up",
        "end",
        "home",
        "pagedown",
    ]
    return [pattern[index % len(pattern)] for index in range(count)]


# -------------------------------------------------------------------- child runs


async def run_ours(
    text_file: Path,
    spans_file: Path,
    relations_file: Path | None,
    keys: int,
    suggestions_file: Path | None = None,
) -> dict[str, float]:
    from annotator.scheme import load_scheme
    from annotator.store import NewDocument, Store, text_hash
    from annotator.suggest import Proposal, Source
    from annotator.tui import make_app

    text = text_file.read_text(encoding="utf-8")
    spans = json.loads(spans_file.read_text())
    relations = json.loads(relations_file.read_text()) if relations_file else []
    with tempfile.TemporaryDirectory() as folder:
        _, scheme = load_scheme()
        store = Store.create(Path(folder) / "bench.db", scheme, "bench")
        with store.transaction():
            store.import_documents(
                [
                    NewDocument(
                        text=text,
                        spans=[("bench", s, e, label) for s, e, label in spans],
                        relations=[(head, child, label) for head, child, label in relations],
                    )
                ]
            )
        doc_id = text_hash(text)
        if suggestions_file is not None:
            proposed = json.loads(suggestions_file.read_text())
            found = [Proposal(s, e, label, Source.PATTERNS) for s, e, label in proposed]
            store.suggestions.replace(doc_id, Source.PATTERNS, found)
        app = make_app(store, "bench")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            started = time.process_time()
            app.open_document(doc_id)
            await pilot.pause()
            opened = time.process_time() - started
            # The suggestions are read in a worker once the document is drawn: the keys
            # are timed with the ghosts on screen (and without that read's CPU).
            await app.workers.wait_for_complete()
            await pilot.pause()
            sequence = key_sequence(keys)
            started = time.process_time()
            for key in sequence:
                await pilot.press(key)
            spent = time.process_time() - started
        store.close()
    return {"per_key_ms": spent / keys * 1000, "open_s": opened, "peak_mb": peak_mb()}


async def run_textarea(text_file: Path, keys: int) -> dict[str, float]:
    from textual.app import App, ComposeResult
    from textual.widgets import TextArea

    text = text_file.read_text(encoding="utf-8")

    class Baseline(App[None]):
        def compose(self) -> ComposeResult:
            yield TextArea(text, read_only=True)

    app = Baseline()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        sequence = key_sequence(keys)
        started = time.process_time()
        for key in sequence:
            await pilot.press(key)
        spent = time.process_time() - started
    return {"per_key_ms": spent / keys * 1000, "open_s": 0.0, "peak_mb": peak_mb()}


def child(args: argparse.Namespace) -> None:
    text_file, spans_file = Path(args.text), Path(args.spans_file)
    relations_file = Path(args.relations_file) if args.relations_file else None
    suggestions_file = Path(args.suggestions_file) if args.suggestions_file else None
    if args.bare:
        # As installed without the test extras: sqlite-utils imports pandas and numpy when
        # it finds them (statsmodels, a test dependency, brings them), ~90 MB of memory.
        sys.modules["pandas"] = None  # type: ignore[assignment]
        sys.modules["numpy"] = None  # type: ignore[assignment]
    if args.child == "ours":
        result = asyncio.run(
            run_ours(text_file, spans_file, relations_file, args.keys, suggestions_file)
        )
    else:
        result = asyncio.run(run_textarea(text_file, args.keys))
    print(json.dumps(result))


def measure(
    kind: str,
    text: Path,
    spans: Path,
    keys: int,
    bare: bool = False,
    relations: Path | None = None,
    suggestions: Path | None = None,
) -> dict[str, float]:
    output = subprocess.run(
        [
            sys.executable,
            __file__,
            *(["--bare"] if bare else []),
            "--child",
            kind,
            "--text",
            str(text),
            "--spans-file",
            str(spans),
            "--keys",
            str(keys),
            *(["--relations-file", str(relations)] if relations else []),
            *(["--suggestions-file", str(suggestions)] if suggestions else []),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=500)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--spans", type=int, default=10_000)
    parser.add_argument("--relations", type=int, default=4_000)
    parser.add_argument("--suggestions", type=int, default=5_000)
    parser.add_argument("--child", choices=["ours", "textarea"])
    parser.add_argument("--text")
    parser.add_argument("--spans-file")
    parser.add_argument("--relations-file")
    parser.add_argument("--suggestions-file")
    parser.add_argument("--bare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        seed_text, seed_spans = work / "a.txt", work / "a.json"
        seed_text.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
        seed_spans.write_text("[]")
        big_text, big_spans = work / "b.txt", work / "b.json"
        text, spans = big_document(args.size, args.spans)
        big_text.write_text(text, encoding="utf-8")
        big_spans.write_text(json.dumps(spans))
        linked = span_relations(spans, args.relations, random.Random(13))
        big_relations = work / "c.json"
        big_relations.write_text(json.dumps(linked))
        proposed = word_spans(text, args.suggestions, random.Random(17))
        big_suggestions = work / "d.json"
        big_suggestions.write_text(json.dumps(proposed))
        print(f"{args.keys} key presses per run, terminal {SIZE[0]}x{SIZE[1]}")
        results = {}
        for name, text_file, spans_file in (
            ("a", seed_text, seed_spans),
            ("b", big_text, big_spans),
        ):
            results[name, "ours"] = measure("ours", text_file, spans_file, args.keys)
            results[name, "textarea"] = measure("textarea", text_file, spans_file, args.keys)
        results["c", "ours"] = measure(
            "ours", big_text, big_spans, args.keys, relations=big_relations
        )
        results["d", "ours"] = measure(
            "ours", big_text, big_spans, args.keys, suggestions=big_suggestions
        )
        bare = measure("ours", big_text, big_spans, 50, bare=True)
    a, b, c = results["a", "ours"], results["b", "ours"], results["c", "ours"]
    d = results["d", "ours"]
    ta, tb = results["a", "textarea"], results["b", "textarea"]
    print(
        f"{'document':<34}{'ours ms/key':>12}{'TextArea':>10}{'ratio':>8}"
        f"{'peak MB':>9}{'TextArea':>10}"
    )
    for label, ours, base in (
        (f"(a) seed article, {len(SEED.read_text(encoding='utf-8')):,} chars", a, ta),
        (f"(b) {args.size:,} chars, {args.spans:,} spans", b, tb),
        (f"(c) (b) + {len(linked):,} relations", c, tb),
        (f"(d) (b) + {len(proposed):,} suggestions", d, tb),
    ):
        ratio = ours["per_key_ms"] / base["per_key_ms"]
        print(
            f"{label:<34}{ours['per_key_ms']:>12.2f}{base['per_key_ms']:>10.2f}"
            f"{ratio:>7.2f}x{ours['peak_mb']:>9.0f}{base['peak_mb']:>10.0f}"
        )
    print()
    print(f"(b) vs TextArea per key:   {b['per_key_ms'] / tb['per_key_ms']:.2f}x  (target <= 1.0x)")
    print(f"(b) vs (a), ours per key:  {b['per_key_ms'] / a['per_key_ms']:.2f}x  (target <= 1.5x)")
    print(f"(c) vs (b), ours per key:  {c['per_key_ms'] / b['per_key_ms']:.2f}x  (target <= 1.0x)")
    print(f"(d) vs (b), ours per key:  {d['per_key_ms'] / b['per_key_ms']:.2f}x  (target <= 1.0x)")
    print(f"open (b):                  {b['open_s']:.2f} s CPU  (target < 1 s)")
    print(f"open (c):                  {c['open_s']:.2f} s CPU  (target < 1 s)")
    print(f"peak memory (b):           {b['peak_mb']:.0f} MB  (target < 200 MB)")
    print(
        f"  without pandas/numpy:     {bare['peak_mb']:.0f} MB  (sqlite-utils loads them when"
        " installed; only the test extras install them)"
    )
    print(f"  the document's share:     {b['peak_mb'] - a['peak_mb']:.0f} MB  ((b) - (a))")


if __name__ == "__main__":
    main()
