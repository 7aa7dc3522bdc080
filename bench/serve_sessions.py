"""Memory and CPU per browser session of `annotator serve`, at 8 concurrent sessions.

    python bench/serve_sessions.py [--sessions 8] [--idle 10]

Starts `annotator serve` on a free loopback port with the sample corpus, gives each of
N annotators a token, opens N websocket sessions at once (textual-serve's protocol, as
the browser's script speaks it), waits for each queue to be drawn, labels one span per
session, then leaves them idle. Reads each session process's memory (RSS, and PSS,
which shares the common pages fairly) and CPU time from /proc (Linux only). The
baseline, measured in the same run, is the server process itself: the ratio says what
one more browser costs against what serving costs. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "serve"))
from serve_helpers import Browser, Server, ws_url

from annotator.sample import open_sample_project

TICK = os.sysconf("SC_CLK_TCK")


def memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of a process, in kB."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        fields[name] = int(value.split()[0])
    return fields["Rss"], fields["Pss"]


def cpu_seconds(pid: int) -> float:
    stat = Path(f"/proc/{pid}/stat").read_text()
    parts = stat[stat.rindex(")") + 2 :].split()
    return (int(parts[11]) + int(parts[12])) / TICK  # utime + stime


def token_for(db: Path, name: str) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "annotator", "token", "add", name, "--db", str(db)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return out.splitlines()[0].removeprefix("token: ")


async def run(sessions: int, idle: float) -> None:
    folder = Path(tempfile.mkdtemp(prefix="serve-bench-"))
    db = folder / "bench.db"
    open_sample_project(db).store.close()
    tokens = {f"ann{i}": token_for(db, f"ann{i}") for i in range(sessions)}
    server = Server(db, folder, "--max-sessions", str(sessions))
    try:
        async with aiohttp.ClientSession() as http:
            started = time.monotonic()
            sockets = [await http.ws_connect(ws_url(server, t)) for t in tokens.values()]
            browsers = [Browser(ws) for ws in sockets]
            await asyncio.gather(*(b.until_drawn(b"Lavrov rejects", 120) for b in browsers))
            ready = time.monotonic() - started
            pids = [int(p) for p in re.findall(r"\(pid (\d+),", server.log)]
            assert len(pids) == sessions, server.log
            at_paint = {pid: cpu_seconds(pid) for pid in pids}
            keys = ("enter", "shift+right", "shift+right", "shift+right", "d")
            await asyncio.gather(*(b.press(*keys) for b in browsers))
            await asyncio.gather(*(b.read(2) for b in browsers))
            after_keys = {pid: cpu_seconds(pid) for pid in pids}
            await asyncio.gather(*(b.read(idle) for b in browsers))
            after_idle = {pid: cpu_seconds(pid) for pid in pids}
            mem = {pid: memory_kb(pid) for pid in pids}
            server_rss, server_pss = memory_kb(server.process.pid)
            for ws in sockets:
                await ws.close()
    finally:
        server.stop()

    def mean(values: list[float]) -> float:
        return sum(values) / len(values)

    rss = mean([m[0] for m in mem.values()]) / 1024
    pss = mean([m[1] for m in mem.values()]) / 1024
    print(f"{sessions} concurrent sessions, all drawn after {ready:.1f} s ({os.cpu_count()} cores)")
    print(f"per session: RSS {rss:.0f} MB, PSS {pss:.0f} MB")
    print(f"  CPU to the first drawn queue: {mean(list(at_paint.values())):.2f} s")
    keys_cpu = mean([after_keys[p] - at_paint[p] for p in pids])
    print(f"  CPU for opening a document and labelling a span: {keys_cpu:.2f} s")
    idle_cpu = mean([after_idle[p] - after_keys[p] for p in pids]) / idle
    print(f"  CPU while idle: {idle_cpu * 100:.1f} % of a core")
    print(
        f"server process (baseline): RSS {server_rss / 1024:.0f} MB, PSS {server_pss / 1024:.0f} MB"
    )
    print(f"ratio session PSS / server PSS: {pss / (server_pss / 1024):.1f}x")
    print(
        f"total PSS for {sessions} sessions + server: {(pss * sessions + server_pss / 1024):.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--idle", type=float, default=10.0)
    args = parser.parse_args()
    asyncio.run(run(args.sessions, args.idle))


if __name__ == "__main__":
    main()
