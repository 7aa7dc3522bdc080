"""Load and validate label schemes from TOML, with errors that name the file and field.

Schemes are data (`schema/*.toml`), read with the standard library's `tomllib` and
validated by `annotator.models.Scheme`. The default scheme also ships inside the wheel,
so a bare install can create a project without the repository.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from pathlib import Path

from pydantic import ValidationError

from annotator.errors import SchemeError
from annotator.models import Scheme

DEFAULT_SCHEME_FILE = "negotiation-v1.toml"


def default_scheme_path() -> Path:
    """The shipped default: inside the installed wheel, else the repository's `schema/`."""
    package_dir = Path(__file__).resolve().parent
    for candidate in (
        package_dir / "_data" / DEFAULT_SCHEME_FILE,
        package_dir.parent / "schema" / DEFAULT_SCHEME_FILE,
    ):
        if candidate.is_file():
            return candidate
    raise SchemeError(f"the default scheme {DEFAULT_SCHEME_FILE} is missing from the install")


def format_validation_error(source: str, error: ValidationError) -> str:
    """One line per problem, `file: field.path: message`, in the TOML's own terms."""
    lines = []
    for problem in error.errors():
        field = _dotted(problem["loc"])
        message = problem["msg"].removeprefix("Value error, ")
        if problem["type"] == "extra_forbidden":
            message = "unknown field"
        lines.append(f"{source}: {field or '(top level)'}: {message}")
    return "\n".join(lines)


def _dotted(loc: Iterable[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def parse_scheme(text: str, source: str) -> Scheme:
    """Validate scheme TOML text; `source` names it in errors (a path, or `project`)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SchemeError(f"{source}: invalid TOML: {exc}") from exc
    try:
        return Scheme.model_validate(data)
    except ValidationError as exc:
        raise SchemeError(format_validation_error(source, exc)) from exc


def load_scheme(path: str | Path | None = None) -> tuple[Scheme, str]:
    """Read a scheme file (the default when `path` is None); returns it with its TOML text.

    The text is kept so that the project database stores exactly what the user wrote.
    """
    scheme_path = Path(path) if path is not None else default_scheme_path()
    try:
        raw = scheme_path.read_bytes()
    except OSError as exc:
        raise SchemeError(f"{scheme_path}: cannot read: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SchemeError(f"{scheme_path}: not UTF-8 (byte {exc.start})") from exc
    return parse_scheme(text, str(scheme_path)), text
