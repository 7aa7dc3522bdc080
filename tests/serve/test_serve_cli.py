"""The CLI side of `annotator serve`: light until it runs, and clear without its extra."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from annotator.serve.auth import ENV_DB, ENV_LEAD, ENV_NAME, Identity
from annotator.serve.sessions import SESSION_ARGS, session_environment

PROBE = """
import sys
{setup}
from annotator.cli import app
try:
    app(sys.argv[1:])
except SystemExit as exit:
    print("EXIT", exit.code)
print("LOADED", *sorted({{m.split(".")[0] for m in sys.modules}}))
"""


def run_cli(*args: str, setup: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", PROBE.format(setup=setup), *args],
        capture_output=True,
        text=True,
        check=True,
    )


def test_help_and_token_commands_never_import_the_server(tmp_path: Path) -> None:
    db = str(tmp_path / "p.db")
    run_cli("init", "--db", db)
    for args in (["--help"], ["serve", "--help"], ["token", "list", "--db", db]):
        loaded = run_cli(*args).stdout.split("LOADED")[1].split()
        assert not {"aiohttp", "textual_serve", "textual"} & set(loaded), args


def test_serve_without_its_extra_names_the_extra(tmp_path: Path) -> None:
    db = str(tmp_path / "p.db")
    run_cli("init", "--db", db)
    result = run_cli("serve", "--db", db, setup="sys.modules['textual_serve'] = None")
    assert "EXIT 1" in result.stdout
    assert "pip install 'annotator[serve]'" in result.stderr


def test_the_session_command_line_is_fixed_and_identity_travels_in_the_environment() -> None:
    hostile = Identity(name="x$(touch y);`z`", lead=True, token="secret-token")
    env = session_environment({"ANNOTATOR_DB": "elsewhere.db", "PATH": "/bin"}, hostile, Path("p"))
    assert SESSION_ARGS == ("-m", "annotator", "_serve-session")
    assert env[ENV_NAME] == hostile.name and env[ENV_LEAD] == "1"
    assert env[ENV_DB] == str(Path("p").resolve()) and "ANNOTATOR_DB" not in env
    assert "secret-token" not in repr(env) and "secret-token" not in repr(hostile)
