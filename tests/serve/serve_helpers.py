"""Running `annotator serve` for real, and speaking textual-serve's websocket protocol.

The server runs in a subprocess on a free loopback port (`--port 0`; it prints the
address it got). Every wait is bounded, and the server is always stopped.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import IO, TypeVar

import aiohttp

KEYS = {
    "enter": "\r",
    "shift+right": "\x1b[1;2C",
    "right": "\x1b[C",
    "escape": "\x1b",
}
"""Terminal bytes the browser's xterm.js sends for these keys."""

T = TypeVar("T")


class Server:
    """`annotator serve` in a subprocess; stdout and stderr collected as they come."""

    def __init__(self, db: Path, cwd: Path, *args: str) -> None:
        env = {k: v for k, v in os.environ.items() if k != "ANNOTATOR_DB"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "annotator", "serve", "--db", str(db), "--port", "0", *args],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.out: list[str] = []
        self.err: list[str] = []
        for stream, lines in ((self.process.stdout, self.out), (self.process.stderr, self.err)):
            threading.Thread(target=self._read, args=(stream, lines), daemon=True).start()
        found = self.wait_for(lambda: re.search(r"on (http://\S+)", "".join(self.out)), 30)
        self.url = found.group(1)

    @staticmethod
    def _read(stream: IO[str], lines: list[str]) -> None:
        for line in stream:
            lines.append(line)

    @property
    def log(self) -> str:
        return "".join(self.err)

    def wait_for(self, condition: Callable[[], T | None], timeout: float) -> T:
        """Poll `condition()` until it is truthy; fail (showing the server's stderr) after
        `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = condition()
            if value:
                return value
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"timed out; server said:\n{self.log}")

    def stop(self, sig: int = signal.SIGINT, timeout: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        return self.process.returncode

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()


@contextmanager
def serving(db: Path, cwd: Path, *args: str) -> Iterator[Server]:
    server = Server(db, cwd, *args)
    try:
        yield server
    finally:
        server.stop()


class Browser:
    """One websocket session, as the browser's script drives it."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.screen = b""
        self.closed = False

    async def read(self, seconds: float) -> None:
        """Collect what the app draws for `seconds` (or until the server closes)."""
        deadline = time.monotonic() + seconds
        while not self.closed and (left := deadline - time.monotonic()) > 0:
            try:
                message = await self.ws.receive(timeout=left)
            except TimeoutError:
                return
            if message.type == aiohttp.WSMsgType.BINARY:
                self.screen += message.data
            elif message.type != aiohttp.WSMsgType.TEXT:
                self.closed = True

    async def until_drawn(self, text: bytes, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.screen:
            assert not self.closed, "the session ended"
            assert time.monotonic() < deadline, f"{text!r} never drawn"
            await self.read(0.2)

    async def until_closed(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not self.closed:
            assert time.monotonic() < deadline, "the session stayed open"
            await self.read(0.2)

    async def press(self, *keys: str) -> None:
        for key in keys:
            await self.ws.send_json(["stdin", KEYS.get(key, key)])
            await self.read(0.15)


def ws_url(server: Server, token: str, width: int = 100, height: int = 30) -> str:
    base = server.url.replace("http://", "ws://", 1)
    return f"{base}ws?token={token}&width={width}&height={height}"


async def wait_until(condition: Callable[[], object], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.1)
