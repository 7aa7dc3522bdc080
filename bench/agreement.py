"""Agreement throughput: the full report on a synthetic project, and Krippendorff's alpha
against the `krippendorff` package on the same matrix, in one run.

    python bench/agreement.py [--docs 10000] [--spans 15]

Prints CPU seconds for the report, reading the spans from the store included as the CLI
does (target: under 10 s for 10,000 documents x 3 annotators x ~15 spans each), and the
alpha ratio ours / package on a 5 x 100,000 nominal matrix with missing values (target: at
most 1.0x). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from annotator.agreement import krippendorff_alpha
from annotator.agreement_report import build_report
from annotator.models import Status
from annotator.scheme import load_scheme
from annotator.store import NewDocument, Store, text_hash

WORDS = "the envoy said talks must resume while critics say guarantees are hollow".split()


def make_project(path: Path, docs: int, spans: int, seed: int = 3) -> None:
    """Three annotators label every document: each copies a reference with noise.

    Built through the store API (documents with their spans in one bulk import, statuses in
    one transaction), so the file is exactly what a real project holds.
    """
    rng = random.Random(seed)
    _, scheme_text = load_scheme()
    labels = ["demand", "guarantor", "quote", "attribution", "opinion"]
    names = ("ann1", "ann2", "ann3")
    batch = []
    for number in range(docs):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(250, 450))) + f" {number}"
        reference = []
        for _ in range(spans):
            start = rng.randrange(0, len(text) - 60)
            reference.append((start, start + rng.randint(5, 60), rng.choice(labels)))
        found = set()  # an identical span twice in one layer is stored once
        for name in names:
            for start, end, label in reference:
                if rng.random() < 0.15:
                    continue
                if rng.random() < 0.2:
                    start = max(0, start + rng.randint(-4, 4))
                if rng.random() < 0.1:
                    label = rng.choice(labels)
                found.add((name, start, end, label))
        batch.append(NewDocument(text=text, spans=sorted(found)))
    with Store.create(path, scheme_text, "bench") as store:
        with store.transaction():
            store.import_documents(batch)
        with store.transaction():
            for item in batch:
                for name in names:
                    store.set_status(text_hash(item.text), name, Status.DONE)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--spans", type=int, default=15)
    args = parser.parse_args()

    import krippendorff
    import numpy as np

    rng = random.Random(1)
    matrix = [
        [None if rng.random() < 0.1 else rng.randrange(5) for _ in range(100_000)] for _ in range(5)
    ]
    started = time.process_time()
    ours = krippendorff_alpha(matrix)
    ours_s = time.process_time() - started
    array = np.array([[np.nan if v is None else v for v in row] for row in matrix], dtype=float)
    started = time.process_time()
    theirs = krippendorff.alpha(reliability_data=array, level_of_measurement="nominal")
    theirs_s = time.process_time() - started
    print(
        f"krippendorff_alpha 5 x 100,000: ours {ours_s:.3f} s, package {theirs_s:.3f} s "
        f"-> {ours_s / theirs_s:.2f}x (values {ours:.6f} / {theirs:.6f})"
    )

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        make_project(path, args.docs, args.spans)
        with Store.open(path) as store:
            started = time.process_time()
            report = build_report(store)
            cpu = time.process_time() - started
            # What the report cannot do without: reading the same documents and spans.
            started = time.process_time()
            for _ in store.iter_selected_documents(store.finished_by()):
                pass
            reading = time.process_time() - started
        print(
            f"report: {report.documents} documents x {len(report.annotators)} annotators, "
            f"{sum(p.kappa_units for p in report.pairs) // max(1, len(report.pairs))} tokens: "
            f"{cpu:.2f} s CPU -> {cpu / 10:.2f}x the 10 s target (reading the store alone "
            f"{reading:.2f} s); F1 overlap {report.f1_overlap:.3f}, alpha_u {report.alpha_u:.3f}"
        )


if __name__ == "__main__":
    main()
