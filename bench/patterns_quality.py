"""How good the default patterns are: precision and recall of `quote` and `attribution`.

Measured against the two reference annotations in bench/data (the seed article, 21
spans, and a second article written for the benches, 14 spans), exactly as the
workbench would propose them: the scheme's default pattern file through
`annotator.suggest.patterns`, widened to the project's tokens as `annotator suggest`
does under the default scheme (`annotator.suggest.run.snapped`). A proposal counts as
correct when it equals a reference span (same start, end and label: accepting it costs
one key); "overlap" also counts one that overlaps a reference span of its label
(accepting it needs a boundary fix).
The corpus's other documents have no reference spans, so they are not measured.

    .venv/bin/python bench/patterns_quality.py [--patterns FILE] [--show]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotator.scheme import load_scheme  # noqa: E402
from annotator.suggest.patterns import (  # noqa: E402
    PatternMatcher,
    default_patterns_path,
    load_patterns,
)
from annotator.suggest.run import snapped  # noqa: E402

REFERENCES = [
    ("seed", ROOT / "bench" / "data" / "seed-annotation.json", ROOT / "corpus"),
    ("second", ROOT / "bench" / "data" / "second-annotation.json", None),
]
LABELS = ("quote", "attribution")


def reference(path: Path, corpus: Path | None) -> tuple[str, set[tuple[int, int, str]]]:
    record = json.loads(path.read_text(encoding="utf-8"))
    text = record.get("text")
    if text is None and corpus is not None:
        text = (corpus / f"{record['id']}.txt").read_text(encoding="utf-8")
    spans = {(s["start"], s["end"], s["label"]) for s in record["spans"]}
    return text, spans


def score(found: int, proposed: int, wanted: int) -> str:
    precision = found / proposed if proposed else float("nan")
    recall = found / wanted if wanted else float("nan")
    return f"P {precision:5.2f} ({found}/{proposed})  R {recall:5.2f} ({found}/{wanted})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patterns", type=Path, default=None)
    parser.add_argument("--show", action="store_true", help="print every miss and extra")
    args = parser.parse_args()
    scheme, _ = load_scheme()
    path = args.patterns or default_patterns_path(None, scheme.qualified_name)
    if path is None:
        raise SystemExit("no default patterns found")
    matcher = PatternMatcher(load_patterns(path))
    print(f"patterns: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    totals = {label: [0, 0, 0, 0] for label in LABELS}  # exact, overlap, proposed, wanted
    for name, ref_path, corpus in REFERENCES:
        text, wanted_all = reference(ref_path, corpus)
        proposed_all = {(p.start, p.end, p.label) for p in snapped(text, matcher(text))}
        for label in LABELS:
            wanted = {s for s in wanted_all if s[2] == label}
            proposed = {p for p in proposed_all if p[2] == label}
            exact = wanted & proposed
            overlap = {p for p in proposed if any(w[0] < p[1] and p[0] < w[1] for w in wanted)}
            row = totals[label]
            row[0] += len(exact)
            row[1] += len(overlap)
            row[2] += len(proposed)
            row[3] += len(wanted)
            print(f"{name:7} {label:12} exact {score(len(exact), len(proposed), len(wanted))}")
            if args.show:
                for start, end, _ in sorted(proposed - exact):
                    print(f"          extra  {start}-{end} {text[start:end]!r}")
                for start, end, _ in sorted(wanted - exact):
                    print(f"          missed {start}-{end} {text[start:end]!r}")
    for label, (exact, overlap, proposed, wanted) in totals.items():
        print(f"both    {label:12} exact {score(exact, proposed, wanted)}")
        print(f"        {label:12} overlapping a reference span: {overlap}/{proposed}")


if __name__ == "__main__":
    main()
