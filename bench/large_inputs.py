"""Big inputs: a 20 MB single document and a 200,000-document corpus, imported and opened.

    python bench/large_inputs.py [--mb 20] [--docs 200000] [--timeout 300] [--only big|corpus]

Two child processes (each its own peak memory, max RSS):

- big: a news-like text of `--mb` MB in one `.txt` file is imported (`import_file`), then
  opened in the workbench (`make_app`, `App.run_test()`): CPU time from `open_document` to
  the annotate screen's first paint, then CPU per key press (cursor move, page down, line
  end, document end and start). Baseline, same process: a 1 KB document, same steps.
- corpus: `--docs` news-like documents in one JSONL file are imported, then the workbench
  starts on the queue: CPU time to the queue screen's first paint, time until the queue
  counts (a worker) arrive, CPU per key press in the queue (down, page down, end/home),
  and opening the last document from the queue. Baseline, same process: a project of
  10 documents, same steps.

CPU is `time.process_time()` (the whole process: the app, its workers, SQLite); wall
times are shown where waiting matters. Every step runs under a timeout, so a hang is
reported as one instead of stalling the run. Printed: figures, ratio to the baseline,
peak MB. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any

from corpora import news_text, peak_mb, short_news_corpus

SIZE = (120, 40)
DOC_KEYS = [("right", 20), ("pagedown", 10), ("end", 10), ("ctrl+end", 3), ("ctrl+home", 3)]
QUEUE_KEYS = [("down", 20), ("pagedown", 10), ("end", 3), ("home", 3)]


async def timed(step: Callable[[], Awaitable[Any]], timeout: float) -> tuple[float, float]:
    """CPU and wall seconds of an awaited step; raises TimeoutError on a hang."""
    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.wait_for(step(), timeout)
    return time.process_time() - cpu, time.perf_counter() - wall


async def press_each(pilot: Any, keys: list[tuple[str, int]], timeout: float) -> dict[str, float]:
    """CPU milliseconds per press of each key: the median of its presses (GC and a busy
    machine make single presses noisy)."""
    spent: dict[str, float] = {}
    for key, times in keys:
        each = []
        for _ in range(times):
            cpu, _ = await timed(partial(pilot.press, key), timeout)
            each.append(cpu * 1000)
        spent[key] = statistics.median(each)
    return spent


def import_timed(store: Any, path: Path, format: str) -> dict[str, float]:
    from annotator.ingest import import_file

    cpu, wall = time.process_time(), time.perf_counter()
    result = import_file(store, path, format=format)
    return {
        "import_cpu_s": time.process_time() - cpu,
        "import_wall_s": time.perf_counter() - wall,
        "documents": result.counts.documents,
        "mb": path.stat().st_size / 1e6,
    }


# ------------------------------------------------------------------------ children


async def big_document(mb: float, timeout: float) -> dict[str, Any]:
    from annotator.scheme import load_scheme
    from annotator.store import Store, text_hash
    from annotator.tui import make_app
    from annotator.tui.screens.annotate import AnnotateScreen
    from annotator.tui.screens.queue import QueueScreen

    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        files = {"baseline": work / "small.txt", "big": work / "big.txt"}
        files["baseline"].write_text(news_text(1000), encoding="utf-8")
        files["big"].write_text(news_text(int(mb * 1_000_000)), encoding="utf-8")
        ids = {}
        with Store.create(work / "big.db", load_scheme()[1], "bench") as store:
            for name, path in files.items():
                results[name] = import_timed(store, path, "txt")
                ids[name] = text_hash(path.read_text(encoding="utf-8"))
        # Opened again, as `annotator annotate` would after `annotator import`: the import's
        # connection checkpoints its WAL on close, not in the first click of the TUI.
        store = Store.open(work / "big.db")
        app = make_app(store, "bench")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            # The first annotate screen pays for building its CSS and widgets: a warm-up
            # run of the baseline keeps that out of both figures.
            for name in ("baseline", "baseline", "big"):

                async def open_it(name: str = name) -> None:
                    app.open_document(ids[name])
                    await pilot.pause()
                    assert isinstance(app.screen, AnnotateScreen)

                cpu, wall = await timed(open_it, timeout)
                results[name] |= {"open_cpu_s": cpu, "open_wall_s": wall}
                results[name]["keys_ms"] = await press_each(pilot, DOC_KEYS, timeout)
                await pilot.press("l")
                await pilot.pause()
                assert isinstance(app.screen, QueueScreen)
        store.close()
    results["peak_mb"] = peak_mb()
    return results


async def queue_session(store: Any, count: int, timeout: float) -> dict[str, Any]:
    """Start the workbench on a project's queue; time first paint, counts, keys, opening."""
    from annotator.tui import make_app
    from annotator.tui.screens.annotate import AnnotateScreen
    from annotator.tui.screens.queue import QueueScreen
    from annotator.tui.widgets.queue_list import QueueList

    found: dict[str, Any] = {}
    app = make_app(store, "bench")
    cpu, wall = time.process_time(), time.perf_counter()
    async with app.run_test(size=SIZE) as pilot:

        async def first_paint() -> None:
            await pilot.pause()
            assert isinstance(app.screen, QueueScreen)
            assert app.screen.query_one(QueueList).count == count

        await asyncio.wait_for(first_paint(), timeout)
        found["open_cpu_s"] = time.process_time() - cpu
        found["open_wall_s"] = time.perf_counter() - wall

        async def counts() -> None:
            await app.workers.wait_for_complete()
            await pilot.pause()

        _, found["counts_wall_s"] = await timed(counts, timeout)
        found["keys_ms"] = await press_each(pilot, QUEUE_KEYS, timeout)

        async def open_last() -> None:
            await pilot.press("end", "enter")
            await pilot.pause()
            assert isinstance(app.screen, AnnotateScreen)

        found["open_doc_cpu_s"], _ = await timed(open_last, timeout)
    return found


async def big_corpus(docs: int, timeout: float) -> dict[str, Any]:
    from annotator.scheme import load_scheme
    from annotator.store import Store

    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for name, count in (("baseline", 10), ("corpus", docs)):
            source = work / f"{name}.jsonl"
            short_news_corpus(source, count)
            with Store.create(work / f"{name}.db", load_scheme()[1], "bench") as store:
                results[name] = import_timed(store, source, "jsonl")
            source.unlink()
            with Store.open(work / f"{name}.db") as store:  # as a new `annotator annotate`
                if name == "baseline":  # warm-up: the first app pays for imports and CSS
                    await queue_session(store, count, timeout)
                results[name] |= await queue_session(store, count, timeout)
    results["peak_mb"] = peak_mb()
    return results


# -------------------------------------------------------------------------- parent


def run_child(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"child {args[:2]} failed:\n{done.stderr[-3000:]}")
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def ratio(value: float, base: float) -> str:
    return f"x{value / base:,.1f}" if base > 0 else "-"


def compared(what: str, value: float, base: float, unit: str = "ms CPU") -> None:
    """One figure with its baseline and their ratio (values in seconds, shown in ms)."""
    print(
        f"{what:<14}{value * 1000:9.2f} {unit}  (baseline {base * 1000:.2f}, {ratio(value, base)})"
    )


def report_big(found: dict[str, Any]) -> None:
    base, big = found["baseline"], found["big"]
    print(f"\n== one document of {big['mb']:.1f} MB (baseline: {base['mb'] * 1000:.1f} KB) ==")
    rate = big["mb"] / big["import_wall_s"]
    print(f"{'import':<14}{big['import_wall_s']:9.2f} s wall ({rate:.0f} MB/s)")
    compared("first paint", big["open_cpu_s"], base["open_cpu_s"])
    print(f"{'':<14}{big['open_wall_s']:9.2f} s wall")
    for key, spent in big["keys_ms"].items():
        compared(f"key {key}", spent / 1000, base["keys_ms"][key] / 1000)
    print(f"{'peak RSS':<14}{found['peak_mb']:9.0f} MB")


def report_corpus(found: dict[str, Any]) -> None:
    base, big = found["baseline"], found["corpus"]
    print(f"\n== {big['documents']:,} documents, {big['mb']:.0f} MB (baseline: 10 documents) ==")
    per_second = big["documents"] / big["import_wall_s"]
    print(f"{'import':<14}{big['import_wall_s']:9.2f} s wall ({per_second:,.0f} documents/s)")
    compared("first paint", big["open_cpu_s"], base["open_cpu_s"])
    print(f"{'':<14}{big['open_wall_s']:9.2f} s wall")
    compared("queue counts", big["counts_wall_s"], base["counts_wall_s"], "ms wall")
    for key, spent in big["keys_ms"].items():
        compared(f"key {key}", spent / 1000, base["keys_ms"][key] / 1000)
    compared("open last doc", big["open_doc_cpu_s"], base["open_doc_cpu_s"])
    print(f"{'peak RSS':<14}{found['peak_mb']:9.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20.0)
    parser.add_argument("--docs", type=int, default=200_000)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per step")
    parser.add_argument("--only", choices=["big", "corpus"])
    parser.add_argument("--child", choices=["big", "corpus"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "big":
        print(json.dumps(asyncio.run(big_document(args.mb, args.timeout))))
        return
    if args.child == "corpus":
        print(json.dumps(asyncio.run(big_corpus(args.docs, args.timeout))))
        return
    common = ["--timeout", str(args.timeout)]
    if args.only in (None, "big"):
        report_big(run_child("--child", "big", "--mb", str(args.mb), *common))
    if args.only in (None, "corpus"):
        report_corpus(run_child("--child", "corpus", "--docs", str(args.docs), *common))


if __name__ == "__main__":
    main()
