"""A batch killed with SIGKILL part-way resumes without losing or duplicating documents; Ctrl-C stops cleanly."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest
from batchgen import NO_MODEL, cli_cmd, db_rows, jsonl, make_archive, run_cli

from docscan.batch.inputs import discover

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and process groups")


def _start(archive, db, slow: str) -> subprocess.Popen:
    env = {**os.environ, "DOCSCAN_TEST_SLOW": slow}
    return subprocess.Popen(
        cli_cmd("scan", *NO_MODEL, str(archive), "-r", "--db", str(db), "--jobs", "2", "--format", "jsonl"),
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,  # its own process group: we signal the parent and its workers together
    )


def _wait_rows(db, n: int, proc: subprocess.Popen, limit: float = 60.0) -> None:
    end = time.monotonic() + limit
    while len(db_rows(db)) < n:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        assert time.monotonic() < end, "batch stored nothing"
        time.sleep(0.05)


def _scanned(stderr: str) -> int:
    m = re.search(r"\((\d+) scanned", stderr)
    assert m, stderr
    return int(m.group(1))


def _versions(db) -> set[str]:
    return {r[0] for r in db_rows(db, "SELECT DISTINCT pipeline_version FROM documents")}


def _check_complete(db) -> None:
    """Every stored document is whole: its findings rows match its report."""
    for doc_id, report in db_rows(db, "SELECT id, report FROM documents"):
        n = db_rows(db, f"SELECT count(*) FROM findings WHERE document_id = {doc_id}")[0][0]
        assert n == len(json.loads(report).get("findings") or [])


def test_sigkill_part_way_then_resume_stores_each_document_once(tmp_path):
    archive = tmp_path / "a"
    make_archive(archive, 24, bad=False)
    db = tmp_path / "r.sqlite"
    proc = _start(archive, db, "0.15")
    _wait_rows(db, 4, proc)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    stored = len(db_rows(db))
    assert 4 <= stored < 24
    _check_complete(db)
    before = _versions(db)

    res = run_cli("scan", *NO_MODEL, str(archive), "-r", "--db", str(db), "--jobs", "2", "--format", "jsonl")
    assert res.returncode == 0, res.stderr
    if _versions(db) == before:  # (a rule edit in between changes the pipeline version: all is redone)
        assert _scanned(res.stderr) == 24 - stored  # only what was not stored is redone
    rows = db_rows(db)
    assert len(rows) == 24
    assert len({r[0] for r in rows}) == 24 and len({r[1] for r in rows}) == 24
    assert [d["source"]["path"] for d in jsonl(res.stdout)] == discover([str(archive)], recursive=True)
    _check_complete(db)


def test_sigint_finishes_files_in_hand_commits_and_exits_130(tmp_path):
    archive = tmp_path / "a"
    make_archive(archive, 16, bad=False)
    db = tmp_path / "r.sqlite"
    proc = _start(archive, db, "0.3")
    _wait_rows(db, 2, proc)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole foreground group
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("docscan: interrupted")  # one-line summary last
    rows = db_rows(db)
    assert 2 <= len(rows) < 16
    before = _versions(db)
    printed = [d["source"]["path"] for d in jsonl(out)]
    assert set(printed) <= {r[0] for r in rows}  # what was printed is stored
    _check_complete(db)

    res = run_cli("scan", *NO_MODEL, str(archive), "-r", "--db", str(db), "--jobs", "2", "--format", "jsonl")
    assert res.returncode == 0, res.stderr
    if _versions(db) == before:
        assert _scanned(res.stderr) == 16 - len(rows)
    assert len(db_rows(db)) == 16
