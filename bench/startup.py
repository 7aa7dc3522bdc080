"""CPU to first paint: `annotator annotate` against a minimal Textual app, in a real terminal.

    python bench/startup.py [--runs 5] [--size 1000000] [--spans 9000] [--only seed|big]

Both programs run in tmux at a fixed size (120x36, TERM=xterm-256color), each as the
pane's own process, on the same text:

- baseline: a minimal Textual app (`python bench/show_text.py FILE`) holding the text in
  a read-only, soft-wrapped `TextArea`;
- ours: `annotator annotate --db PROJECT --as bench --doc ID`, the document opened
  directly, its spans in the annotator's layer.

First paint is the moment the program writes a frame holding a phrase of the text's
second line to the terminal; the figure is the process's CPU time then (every thread),
noted inside the process by bench/first_frame.py, which both programs run under. Noted
from outside instead (polling `tmux capture-pane` and reading /proc), it would also count
a few milliseconds of whatever the program does after that frame, and in 10 ms ticks.
Runs alternate (baseline, paused baseline, ours, baseline, ...) after one unmeasured
warm-up each, so that a busy machine weighs on all alike; printed are medians and ratios.

The workbench paints the document from a glance and loads the rest behind it, so a
second figure says when it is ready for work: the CPU time when it writes its key footer
(keys typed before are kept, and act then). The baseline is ready when it paints.
A line under each document splits first paint in two: the CPU time until the driver
takes the terminal (imports, reading the text or the project, making the app), and from
then to the frame (Textual's styles, layout and rendering). The workbench pauses Python's
cyclic garbage collector until its first frame (`annotator.tui.run_workbench`), which
the baseline does not: a third program, the baseline with the collector paused likewise
(`show_text.py --paused`), gives a second ratio, of the workbench's own work alone.

Two documents: (a) the seed article of the sample corpus (~5 kB, no spans) and (b) a
generated `--size` character document carrying `--spans` spans (bench/corpora.py).
Needs tmux (`apt-get install tmux`). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from corpora import SEED_ARTICLE, big_document

WIDTH, HEIGHT = 120, 36
SESSION = f"annotator-startup-{os.getpid()}"
BASELINE = Path(__file__).resolve().with_name("show_text.py")
FIRST_FRAME = Path(__file__).resolve().with_name("first_frame.py")


# ---------------------------------------------------------------------- measuring


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout


def first_paint(command: list[str], phrases: list[str], timeout: float) -> list[float]:
    """CPU seconds of `command`, run in a fresh tmux session through bench/first_frame.py:
    when its driver took the terminal, then when what it writes first holds each of
    `phrases` (in turn)."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "seen.json"
        wrapped = [sys.executable, str(FIRST_FRAME), str(out), *phrases, "--", *command]
        # Without PYTHONDONTWRITEBYTECODE (set in some shells and containers), so that the
        # warm-up run writes the .pyc files it is there to write: otherwise every run
        # compiles our modules again (~80 ms) while Textual's come precompiled.
        line = "exec env -u PYTHONDONTWRITEBYTECODE TERM=xterm-256color " + shlex.join(wrapped)
        session = ["new-session", "-d", "-s", SESSION, "-x", str(WIDTH), "-y", str(HEIGHT), line]
        for attempt in range(5):
            # The tmux server exits with the last session; a new session made while it is
            # exiting fails ("server exited unexpectedly"), so try again on a fresh server.
            started = subprocess.run(["tmux", *session], capture_output=True, text=True)
            if started.returncode == 0:
                break
            if attempt == 4:
                raise RuntimeError(f"tmux new-session failed: {started.stderr.strip()}")
            time.sleep(0.1)
        try:
            tmux("resize-window", "-t", SESSION, "-x", str(WIDTH), "-y", str(HEIGHT))
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if out.exists() and out.stat().st_size:
                    noted = json.loads(out.read_text(encoding="utf-8"))
                    return [float(noted["terminal"]), *map(float, noted["seen"])]
                time.sleep(0.005)
            screen = tmux("capture-pane", "-p", "-t", SESSION)
            raise TimeoutError(f"{phrases} not all written after {timeout:.0f} s:\n{screen}")
        finally:
            subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)


def phrase_of(text: str) -> str:
    """Words from the start of the second line: on the first screen of both apps, and not
    a title a header could show before the text itself is painted."""
    second = text.splitlines()[1]
    words = second.split()
    phrase = words[0]
    for word in words[1:]:
        if len(phrase) + 1 + len(word) > 28:
            break
        phrase += " " + word
    return phrase


def make_project(folder: Path, text: str, spans: list[tuple[int, int, str]]) -> tuple[Path, str]:
    """A fresh project holding `text` with `spans` in the bench layer; its path and doc id."""
    from annotator.scheme import load_scheme
    from annotator.store import NewDocument, Store, text_hash

    db = folder / "bench.db"
    _, scheme = load_scheme()
    with Store.create(db, scheme, "bench") as store, store.transaction():
        store.import_documents(
            [NewDocument(text=text, spans=[("bench", s, e, label) for s, e, label in spans])]
        )
    return db, text_hash(text)


READY = "Done+next"
"""In the workbench's key footer: shown once the annotate screen is there."""


def measure(
    name: str, text: str, spans: list[tuple[int, int, str]], runs: int, timeout: float
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        text_file = work / "text.txt"
        text_file.write_text(text, encoding="utf-8")
        db, doc_id = make_project(work, text, spans)
        phrase = phrase_of(text)
        commands = {
            "baseline": ([str(BASELINE), str(text_file)], [phrase]),
            "paused": ([str(BASELINE), str(text_file), "--paused"], [phrase]),
            "ours": (
                ["-m", "annotator", "annotate", "--db", str(db), "--as", "bench", "--doc", doc_id],
                [phrase, READY],
            ),
        }
        found: dict[str, list[list[float]]] = {kind: [] for kind in commands}
        for run in range(runs + 1):
            for kind, (command, phrases) in commands.items():
                seconds = first_paint(command, phrases, timeout)
                if run:  # the first run of each warms caches (.pyc, page cache)
                    found[kind].append(seconds)
    base = statistics.median(times[1] for times in found["baseline"])
    ours = statistics.median(times[1] for times in found["ours"])
    ready = statistics.median(times[2] for times in found["ours"])
    print(
        f"{name:<34}{base:>10.3f}{ours:>10.3f}{ours / base:>8.2f}x{ready:>10.3f}"
        f"{ready / base:>8.2f}x   ours {min(t[1] for t in found['ours']):.3f}-"
        f"{max(t[1] for t in found['ours']):.3f}, baseline "
        f"{min(t[1] for t in found['baseline']):.3f}-{max(t[1] for t in found['baseline']):.3f}"
    )
    # Where the difference is: before the driver takes the terminal (imports, reading the
    # text or the project, building the app), or after it (Textual's work to the frame).
    before = {kind: statistics.median(t[0] for t in times) for kind, times in found.items()}
    after = {kind: statistics.median(t[1] - t[0] for t in times) for kind, times in found.items()}
    print(
        f"{'':<4}to the terminal: baseline {before['baseline']:.3f}, ours {before['ours']:.3f}"
        f"   terminal to paint: baseline {after['baseline']:.3f}, ours {after['ours']:.3f}"
    )
    # The workbench pauses the garbage collector to its first frame; a baseline paused
    # alike says what the workbench's own work costs, the pause left out of the ratio.
    paused = statistics.median(times[1] for times in found["paused"])
    print(
        f"{'':<4}against the baseline with the collector paused as ours is: {paused:.3f}, "
        f"ours {ours / paused:.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="measured runs of each program")
    parser.add_argument("--size", type=int, default=1_000_000, help="characters of (b)")
    parser.add_argument("--spans", type=int, default=9000, help="spans of (b)")
    parser.add_argument("--only", choices=["seed", "big"], help="one of the two documents")
    parser.add_argument("--timeout", type=float, default=60, help="seconds to first paint")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        sys.exit("bench/startup.py needs tmux: apt-get install tmux (or your system's package)")

    print(f"CPU seconds to first paint, tmux {WIDTH}x{HEIGHT}, median of {args.runs} runs")
    print(
        f"{'document':<34}{'baseline':>10}{'ours':>10}{'ratio':>9}{'ready':>10}{'ratio':>9}"
        "   (target: first paint <= 1.00x)"
    )
    if args.only in (None, "seed"):
        seed = SEED_ARTICLE.read_text(encoding="utf-8")
        measure(f"(a) seed article, {len(seed):,} chars", seed, [], args.runs, args.timeout)
    if args.only in (None, "big"):
        text, spans = big_document(args.size, args.spans)
        name = f"(b) {len(text) / 1e6:.1f} MB, {len(spans):,} spans"
        measure(name, text, spans, args.runs, args.timeout)


if __name__ == "__main__":
    main()
