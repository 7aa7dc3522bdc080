"""The app processes behind browser connections: how one starts, and when one must end.

textual-serve starts an app with `asyncio.create_subprocess_shell(command)`. Here the
process starts with `create_subprocess_exec` and a fixed argument list instead (this
Python, `-m annotator _serve-session`): no shell parses anything, and who the session
runs as travels in the environment, so no name, token or path can become a command.
The token itself never reaches the session process.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from asyncio.subprocess import Process
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from textual_serve.app_service import AppService

from annotator.serve.auth import ENV_DB, ENV_LEAD, ENV_NAME

if TYPE_CHECKING:
    from aiohttp import web

    from annotator.serve.auth import Identity

SESSION_ARGS = ("-m", "annotator", "_serve-session")
STOP_GRACE_S = 10.0
"""How long a session may take to quit (its work is saved already) before it is killed."""


def session_environment(base: dict[str, str], identity: Identity, db: Path) -> dict[str, str]:
    """The session process's environment: textual-serve's, plus who and which project.

    `ANNOTATOR_DB` is dropped so that only `ENV_DB` names the project.
    """
    env = {k: v for k, v in base.items() if k != "ANNOTATOR_DB"}
    env[ENV_NAME] = identity.name
    env[ENV_LEAD] = "1" if identity.lead else "0"
    env[ENV_DB] = str(db.resolve())
    return env


class SessionProcess(AppService):
    """textual-serve's AppService, starting the session without a shell."""

    def __init__(self, identity: Identity, db: Path, **kwargs: object) -> None:
        super().__init__(" ".join(SESSION_ARGS), **kwargs)  # type: ignore[arg-type]
        self.identity = identity
        self.db = db

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        environment = session_environment(
            self._build_environment(width=width, height=height), self.identity, self.db
        )
        self._process = process = await asyncio.create_subprocess_exec(
            sys.executable,
            *SESSION_ARGS,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=environment,
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    async def end(self) -> None:
        """Ask the app to quit; kill it if it has not after `STOP_GRACE_S`."""
        with contextlib.suppress(TimeoutError, ConnectionError, RuntimeError):
            await asyncio.wait_for(self.stop(), STOP_GRACE_S)
        process = self._process
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()


@dataclass(eq=False)
class Session:
    """One browser connection and its app process."""

    identity: Identity
    websocket: web.WebSocketResponse
    process: SessionProcess
    last_input: float = field(default_factory=time.monotonic)
    ended_because: str | None = None

    def touched(self) -> None:
        self.last_input = time.monotonic()


class Sessions:
    """The open sessions, within a maximum count and an idle timeout."""

    def __init__(self, max_sessions: int, idle_timeout: float) -> None:
        self.max_sessions = max_sessions
        self.idle_timeout = idle_timeout
        self.open: list[Session] = []

    @property
    def full(self) -> bool:
        return len(self.open) >= self.max_sessions

    def add(self, session: Session) -> None:
        self.open.append(session)

    def remove(self, session: Session) -> None:
        if session in self.open:
            self.open.remove(session)

    def idle(self, now: float | None = None) -> list[Session]:
        """Sessions without input for longer than the idle timeout."""
        now = time.monotonic() if now is None else now
        return [s for s in self.open if now - s.last_input > self.idle_timeout]

    async def end(self, session: Session, reason: str) -> None:
        """Close the browser's connection; the websocket handler then stops the process."""
        if session.ended_because is None:
            session.ended_because = reason
        await session.websocket.close(message=reason.encode("utf-8")[:120])
