"""A real Label Studio server round trip keeps each person's layer and the gold layer.

Export from a project here, import into a running Label Studio (its REST API, as a team
would script it), export from Label Studio, import that file into a fresh project: every
annotator's layer must come back with exactly its spans and relations, and gold only
from what was ground truth. Label Studio names a person by e-mail only (its import resolves
`completed_by: {"email": ...}` against the organisation's members and gives anything
else to the importing account; its export writes the member's id, or the member with
e-mail when asked for `annotations__completed_by`), so layers named by e-mail in the
importer's spelling (`bob_at_lab.org`) are the ones that can travel.

The server comes from its own virtualenv (`make interop-ls`, or ANNOTATOR_LABEL_STUDIO
naming its `label-studio` executable); without it the server test is skipped.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import Linked, export, stored_relations
from typer.testing import CliRunner

from annotator.cli import app
from annotator.store import NewDocument, Store

REPO = Path(__file__).resolve().parents[2]
EXECUTABLE = Path(
    os.environ.get("ANNOTATOR_LABEL_STUDIO") or REPO / ".venv-ls" / "bin" / "label-studio"
)
START_TIMEOUT = 120.0
ADMIN = "admin@example.com"

# Three people (two of them called bob, in two places), one who has no e-mail, and gold;
# the texts hold an emoji, CJK and a combining mark, so that offsets are tested too.
PEOPLE = {"alice_at_lab.org": "alice@lab.org", "bob_at_lab.org": "bob@lab.org"}
PEOPLE |= {"bob_at_uni.edu": "bob@uni.edu"}
NO_EMAIL = "carol"
DOCUMENTS: dict[str, tuple[str, list[tuple[str, int, int, str]]]] = {
    "d1": (
        "Lavrov 😀 said Kyiv must accept neutrality.",
        [
            ("alice_at_lab.org", 0, 6, "attribution"),
            ("alice_at_lab.org", 14, 41, "demand"),
            ("bob_at_lab.org", 14, 41, "quote"),
            ("bob_at_lab.org", 14, 18, "guarantor"),  # nested in bob's own quote
            ("bob_at_uni.edu", 0, 13, "attribution"),
            ("carol", 19, 41, "opinion"),
            ("gold", 14, 41, "demand"),
        ],
    ),
    "d2": (
        "北京 wants guarantees, cafe\u0301 owners said.",
        [
            ("alice_at_lab.org", 0, 2, "guarantor"),
            ("bob_at_uni.edu", 3, 19, "demand"),
            ("bob_at_lab.org", 21, 33, "attribution"),
            ("gold", 0, 2, "guarantor"),
            ("gold", 3, 19, "demand"),
        ],
    ),
    "d3": ("Observers expect nothing soon.", [("bob_at_lab.org", 0, 9, "attribution")]),
}
RELATIONS: dict[str, list[tuple[int, int, str]]] = {
    "d1": [(0, 1, "says")],  # alice's attribution says her demand
    "d2": [(3, 4, "guarantees")],  # in gold
}
"""`(head, child, name)` indexing the document's spans in `DOCUMENTS`."""


def _spans_by_layer(store: Store) -> dict[str, set[tuple[str, int, int, str]]]:
    layers: dict[str, set[tuple[str, int, int, str]]] = {}
    for document, spans in store.iter_documents_with_spans():
        for span in spans:
            layers.setdefault(span.layer, set()).add(
                (document.id, span.start, span.end, span.label)
            )
    return layers


def _expected() -> dict[str, set[tuple[str, int, int, str]]]:
    layers: dict[str, set[tuple[str, int, int, str]]] = {}
    for doc_id, (_, spans) in DOCUMENTS.items():
        for layer, start, end, label in spans:
            layers.setdefault(layer, set()).add((doc_id, start, end, label))
    return layers


def _project(store: Store) -> None:
    with store.transaction():
        store.import_documents(
            [
                NewDocument(text=text, id=doc_id, spans=spans, relations=RELATIONS.get(doc_id, []))
                for doc_id, (text, spans) in DOCUMENTS.items()
            ]
        )


def _expected_relations() -> set[Linked]:
    found = set()
    for doc_id, links in RELATIONS.items():
        spans = DOCUMENTS[doc_id][1]
        for head, child, name in links:
            layer, *first = spans[head]
            found.add((doc_id, layer, tuple(first), tuple(spans[child][1:]), name))
    return found  # type: ignore[return-value]


# ----------------------------------------------------------------- without a server


def test_export_names_each_person_by_e_mail_and_notes_a_layer_without_one(
    store: Store,
) -> None:
    """Label Studio ignores `created_username`: `completed_by` with the e-mail says who."""
    _project(store)
    report = export(store, "label-studio", Path("ls"))
    tasks = json.loads(Path("ls/tasks.json").read_text("utf-8"))
    people = {
        annotation["created_username"]: annotation.get("completed_by")
        for task in tasks
        for annotation in task["annotations"]
    }
    assert people == {
        **{layer: {"email": email} for layer, email in PEOPLE.items()},
        NO_EMAIL: None,
        "gold": None,
    }
    notes = [note for note in report.notes if "e-mail" in note]
    assert len(notes) == 1 and repr(NO_EMAIL) in notes[0], report.notes


def test_exported_people_come_back_to_their_layers_without_a_server(
    store: Store, tmp_path: Path
) -> None:
    """Our own file read back: created_username still names the layer, e-mail or not."""
    _project(store)
    export(store, "label-studio", Path("ls"))
    with Store.create(tmp_path / "back.db", store.scheme_text, "test") as back:
        from annotator.ingest import import_file

        import_file(back, Path("ls/tasks.json"))
        assert _spans_by_layer(back) == _expected()
        assert stored_relations(back) == _expected_relations()


# --------------------------------------------------------------------- the server


@dataclass
class Server:
    url: str
    token: str

    def call(self, method: str, path: str, body: Any = None) -> Any:
        """One REST call; an HTTP error fails the test with Label Studio's own message."""
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(
            self.url + path,
            data=data,
            method=method,
            headers={"Authorization": f"Token {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:2000].decode("utf-8", "replace")
            pytest.fail(f"Label Studio {method} {path}: HTTP {exc.code}: {detail}")
        return json.loads(raw) if raw else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/health", timeout=5) as response:
            return bool(response.status == 200)
    except OSError:  # refused while starting; URLError is an OSError
        return False


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """A fresh Label Studio on 127.0.0.1 with its data in tmp_path; always stopped."""
    if not EXECUTABLE.exists():
        pytest.skip(
            f"Label Studio is not installed ({EXECUTABLE} is missing): run `make interop-ls`, "
            "or set ANNOTATOR_LABEL_STUDIO to a label-studio executable"
        )
    data = tmp_path / "label-studio"
    port, token = _free_port(), secrets.token_hex(20)
    env = {
        **os.environ,
        "LABEL_STUDIO_BASE_DATA_DIR": str(data),
        "COLLECT_ANALYTICS": "false",
        "LATEST_VERSION_CHECK": "false",
        "SENTRY_DSN": "",
        "FRONTEND_SENTRY_DSN": "",
        "DISABLE_SIGNUP_WITHOUT_LINK": "true",
    }
    command = [
        str(EXECUTABLE),
        "start",
        "--no-browser",
        "--internal-host",
        "127.0.0.1",
        "--port",
        str(port),
        "--data-dir",
        str(data),
        "--username",
        ADMIN,
        "--password",
        secrets.token_hex(12),
        "--user-token",
        token,
        "--enable-legacy-api-token",
    ]
    log = tmp_path / "label-studio.log"
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as output:
        process = subprocess.Popen(  # its own session, so that its children stop with it
            command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _healthy(url):
            tail = log.read_text("utf-8", "replace")[-3000:]
            if process.poll() is not None:
                pytest.fail(f"Label Studio exited with {process.returncode}:\n{tail}")
            if time.monotonic() > deadline:
                pytest.fail(f"Label Studio did not answer in {START_TIMEOUT:.0f} s:\n{tail}")
            time.sleep(0.5)  # polling a child process: there is no event to wait on
        yield Server(url, token)
    finally:
        _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


def test_label_studio_server_round_trip_keeps_each_person_and_gold(
    server: Server, store: Store, tmp_path: Path
) -> None:
    _project(store)
    scheme = store.scheme_text
    store.close()
    runner = CliRunner()
    out = tmp_path / "to-ls"
    exported = runner.invoke(
        app, ["export", "label-studio", "--db", str(store.path), "-o", str(out)]
    )
    assert exported.exit_code == 0, exported.output
    assert repr(NO_EMAIL) in exported.output  # the note: Label Studio cannot say who

    # What a team does: the annotators have accounts (by e-mail), the project gets our
    # labeling config, and our tasks go in with their annotations.
    for email in PEOPLE.values():
        server.call("POST", "/api/users/", {"email": email, "username": email.split("@")[0]})
    config = (out / "config.xml").read_text("utf-8")
    project = server.call("POST", "/api/projects/", {"title": "round trip", "label_config": config})
    tasks = json.loads((out / "tasks.json").read_text("utf-8"))
    imported = server.call("POST", f"/api/projects/{project['id']}/import", tasks)
    assert imported["task_count"] == len(DOCUMENTS), imported
    assert imported["annotation_count"] == sum(len(t["annotations"]) for t in tasks), imported

    # Export with each annotator's e-mail (the plain export names them by id only).
    options = {"annotations__completed_by": {"only_id": False}}
    snapshot = server.call(
        "POST", f"/api/projects/{project['id']}/exports/", {"serialization_options": options}
    )
    assert snapshot["status"] == "completed", snapshot
    back_file = tmp_path / "from-ls.json"
    back_file.write_text(
        json.dumps(
            server.call(
                "GET",
                f"/api/projects/{project['id']}/exports/{snapshot['id']}/download?exportType=JSON",
            ),
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )

    back_db = tmp_path / "back.db"
    with Store.create(back_db, scheme, "test"):
        pass
    result = runner.invoke(
        app, ["import", str(back_file), "--db", str(back_db), "--format", "label-studio"]
    )
    assert result.exit_code == 0, result.output
    with Store.open(back_db) as back:
        layers = _spans_by_layer(back)
        relations = stored_relations(back)
    assert relations == _expected_relations()  # alice and gold keep their relations
    expected = _expected()
    for layer in PEOPLE:
        assert layers.pop(layer) == expected[layer], layer
    assert layers.pop("gold") == expected["gold"]
    # carol named no e-mail: Label Studio gave her annotations to the importing account,
    # as the export's note said; they come back together, on that account's layer only.
    assert layers == {ADMIN.replace("@", "_at_"): expected[NO_EMAIL]}
