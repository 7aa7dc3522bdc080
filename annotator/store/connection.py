"""The project file's one connection: opening it, waiting for other writers, transactions.

Everything that touches `sqlite3` directly lives here: the pragmas a project file runs
with, the retry loop that turns "database is locked" into patient waiting, a
`transaction()` that nests as savepoints, and the one translation of `sqlite3.Error` into
the `StoreError` the user reads.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from annotator.errors import StoreError

BUSY_TIMEOUT_MS = 5_000
"""SQLite's own wait for a lock, per attempt; `when_free` retries around it."""
BUSY_DEADLINE_S = 300.0
"""How long a write waits for other writers (a big import holds the lock for a while)."""

T = TypeVar("T")


def now() -> str:
    """The time stamp every row gets: UTC, ISO 8601, microseconds (sorts as text)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(exc) or "busy" in str(exc)


def when_free(path: Path, statement: Callable[[], T]) -> T:
    """Run `statement`, retrying while other processes hold the lock.

    SQLite waits `BUSY_TIMEOUT_MS` itself on each attempt; between attempts we back off
    with jitter so that many annotators on one shared file do not retry in lockstep. After
    `BUSY_DEADLINE_S` the user gets a StoreError that says what happened, never SQLite's
    bare "database is locked".
    """
    deadline = time.monotonic() + BUSY_DEADLINE_S
    pause = 0.005
    while True:
        try:
            return statement()
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc):
                raise
            if time.monotonic() >= deadline:
                raise StoreError(
                    f"{path}: another process has been writing to this project for over "
                    f"{BUSY_DEADLINE_S:.0f} s (a large import?); nothing was changed, try again"
                ) from exc
        time.sleep(pause * (0.5 + random.random()))
        pause = min(pause * 2, 0.5)


def refused(
    exc: sqlite3.Error,
    subject: str | Path,
    what: str = "the change",
    outcome: str = "nothing was changed",
) -> StoreError:
    """The one translation of a `sqlite3.Error` into what the user reads.

    A plain sentence naming the file, what was refused and what became of it; SQLite's
    own words in parentheses, because they name the constraint; then, for the faults a
    user can act on (full disk, read-only file, damaged file), what to do.
    """
    hint = HINTS.get(_primary_code(exc) or 0, "")
    if isinstance(exc, sqlite3.IntegrityError | sqlite3.OperationalError):
        return StoreError(f"{subject}: the database refused {what} ({exc}); {outcome}{hint}")
    return StoreError(f"{subject}: not a readable SQLite database ({exc}); {outcome}{hint}")


HINTS = {
    sqlite3.SQLITE_FULL: "; the disk is full: free some space and try again",
    sqlite3.SQLITE_READONLY: "; the project is read-only here (file, folder or medium)",
    sqlite3.SQLITE_IOERR: "; the disk reported an error: check it, then `annotator check`",
    sqlite3.SQLITE_CORRUPT: "; the file is damaged: `annotator check` reports what, "
    "restore a backup",
    sqlite3.SQLITE_NOTADB: "; the file is damaged or no database",
}
"""What the user can do about a fault, by SQLite's primary result code."""


def _primary_code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


READ_ONLY_CODES = frozenset({sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN})
"""Opening for writing failed because the file, its folder or the medium is read-only."""


class Connection:
    """One open project file. Private to the store: parts run their SQL through it."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self._conn = conn
        self._savepoints = 0
        self.read_only = False
        """Opened for reading only (see `open_read_only`): every write refuses."""

    @classmethod
    def open(cls, path: Path) -> Connection:
        """Connect with the project's pragmas; a file SQLite cannot read raises StoreError.

        A project SQLite may not write (a read-only file, folder or medium: a CD, a
        read-only mount, `chattr +i`) still opens, for reading: see `_open_read_only`.
        """
        try:
            conn = sqlite3.connect(
                str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise StoreError(f"{path}: not a readable SQLite database: {exc}") from exc
        conn.isolation_level = None  # we open transactions ourselves: BEGIN IMMEDIATE
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            # Switching to WAL needs a moment alone with the file: another process may be
            # in the middle of its own first open or a checkpoint.
            when_free(path, lambda: conn.execute("PRAGMA journal_mode = WAL"))
            # NORMAL under WAL: a killed process loses nothing committed; only a power
            # cut can drop the last transactions, and never corrupts the file.
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA cache_size = -32768")  # 32 MB: bulk imports touch indexes
        except sqlite3.DatabaseError as exc:
            conn.close()
            if _primary_code(exc) in READ_ONLY_CODES:
                return cls.open_read_only(path, exc)
            raise StoreError(f"{path}: not a readable SQLite database: {exc}") from exc
        except BaseException:
            conn.close()
            raise
        return cls(path, conn)

    @classmethod
    def open_read_only(cls, path: Path, cause: sqlite3.Error | None = None) -> Connection:
        """Open a project for reading only (`stats` on a read-only medium, a merge source).

        `mode=ro` first: it reads the write-ahead log as any reader does, which needs
        the `-shm` index beside the file (there already, or creatable). On a read-only
        medium without one, `immutable=1`: no locks, no `-shm`, the file read as it is,
        which is right because nothing can change it there. A non-empty `-wal` would be
        ignored then, so that case refuses rather than show an older state. Every write
        to the connection then refuses with a plain message (`transaction`).
        """
        uri = path.resolve().as_uri()
        wal = Path(f"{path}-wal")
        modes = ["?mode=ro"]
        if not (wal.exists() and wal.stat().st_size > 0):
            modes.append("?mode=ro&immutable=1")
        for mode in modes:
            conn = sqlite3.connect(
                uri + mode, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
            )
            conn.isolation_level = None
            try:
                conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlite3.DatabaseError as exc:
                conn.close()
                if _primary_code(exc) not in READ_ONLY_CODES:
                    raise StoreError(f"{path}: not a readable SQLite database: {exc}") from exc
                continue
            opened = cls(path, conn)
            opened.read_only = True
            return opened
        raise StoreError(
            f"{path}: cannot be opened ({cause or 'read-only'}): the file or its folder is "
            "read-only"
            + (
                ", and its write-ahead log holds changes not yet in the file"
                if len(modes) == 1
                else ""
            )
            + "; copy the project to a writable place"
        ) from cause

    def close(self) -> None:
        self._conn.close()

    # ------------------------------------------------------------------- statements

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        return self._conn.execute(sql, params)

    def executemany(self, sql: str, rows: Any) -> sqlite3.Cursor:
        return self._conn.executemany(sql, rows)

    def one(self, sql: str, params: Any = ()) -> Any:
        """The first column of the first row (None when there is no row)."""
        row = self._conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    @property
    def total_changes(self) -> int:
        return self._conn.total_changes

    @property
    def in_transaction(self) -> bool:
        return self._conn.in_transaction

    @property
    def user_version(self) -> int:
        return int(self.one("PRAGMA user_version"))

    def table_names(self) -> list[str]:
        # Plain SQL: the one thing sqlite-utils did here, not worth its import (~40 ms
        # of every start-up, and pandas and numpy when they are installed).
        rows = self._conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return [name for (name,) in rows]

    def pragma(self, name: str) -> Any:
        """One pragma's value (for checks such as `integrity_check` or `journal_mode`)."""
        return self.one(f"PRAGMA {name}")

    def backup_to(self, target: sqlite3.Connection) -> None:
        """SQLite's online backup in one step, waiting for writers like any write."""
        when_free(self.path, lambda: self._conn.backup(target))

    # ----------------------------------------------------------------- transactions

    @contextmanager
    def transaction(
        self,
        *,
        subject: str | Path | None = None,
        what: str = "the change",
        outcome: str = "nothing was changed",
    ) -> Iterator[None]:
        """One write transaction (BEGIN IMMEDIATE); nested calls become savepoints.

        As sqlite-utils' `atomic()`: an exception inside a nested block rolls back that
        block only (to its savepoint) and propagates; the outermost block commits or
        rolls back everything. BEGIN IMMEDIATE takes the write lock up front, so the body
        never meets another writer: the only place to wait for one is here, and
        `when_free` does the waiting. A `sqlite3.Error` from the body leaves as a
        StoreError (see `refused`; `subject`, `what` and `outcome` word it).
        """
        if self._conn.in_transaction:
            self._savepoints += 1
            name = f"store_{self._savepoints}"
            self._conn.execute(f"SAVEPOINT {name}")
            try:
                yield
            except BaseException as exc:
                # An error can end the whole transaction (savepoints included); cleaning
                # up then would hide the original error behind "no such savepoint".
                if self._conn.in_transaction:
                    self._conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                    self._conn.execute(f"RELEASE SAVEPOINT {name}")
                if isinstance(exc, sqlite3.Error):
                    raise refused(exc, subject or self.path, what, outcome) from exc
                raise
            else:
                self._conn.execute(f"RELEASE SAVEPOINT {name}")
            finally:
                self._savepoints -= 1
            return
        if self.read_only:
            raise StoreError(
                f"{subject or self.path}: the project is read-only here (file, folder or "
                f"medium): it can be read, not changed; {outcome}"
            )
        try:
            when_free(self.path, lambda: self._conn.execute("BEGIN IMMEDIATE"))
        except sqlite3.Error as exc:
            raise refused(exc, subject or self.path, what, outcome) from exc
        try:
            yield
        except BaseException as exc:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise refused(exc, subject or self.path, what, outcome) from exc
            raise
        try:
            self._conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise refused(exc, subject or self.path, what, outcome) from exc
