"""Batch runner: isolated workers (bad files, hangs, bloat), input order, resume from the SQLite store."""

from __future__ import annotations

import json
import shutil
import sqlite3

from batchgen import NO_MODEL, RULES_ONLY, db_rows, jsonl, make_archive
from click.testing import CliRunner

from docscan.batch.inputs import discover
from docscan.batch.runner import Batch, run
from docscan.batch.store import Store
from docscan.cli import cli
from docscan.config import Config


def test_bad_files_hang_and_bloat_are_error_rows_and_the_rest_completes(tmp_path, monkeypatch):
    paths = make_archive(tmp_path / "a", 6)
    hang, bloat = tmp_path / "a" / "hang.txt", tmp_path / "a" / "bloat.txt"
    shutil.copy(paths[0], hang)
    hang.write_text(hang.read_text(encoding="utf-8") + "挂起。\n", encoding="utf-8")
    bloat.write_text(paths[1].read_text(encoding="utf-8") + "膨胀。\n", encoding="utf-8")
    shutil.copy(paths[2], tmp_path / "a" / "same-as-doc002.txt")  # identical content at a second path
    monkeypatch.setenv("DOCSCAN_TEST_HANG", "hang.txt")
    monkeypatch.setenv("DOCSCAN_TEST_BLOAT", "bloat.txt")
    inputs = discover([str(tmp_path / "a")], recursive=True)
    db = tmp_path / "r.sqlite"
    cfg = Config(timeout_s=5, memory_mb=800, **RULES_ONLY)

    batch = Batch(inputs, cfg, jobs=2, db=str(db))
    reports = list(batch.reports())

    assert [r.source["path"] for r in reports] == inputs  # input order, whatever finished first
    by_name = {r.source["path"].rsplit("/", 1)[-1]: r for r in reports}
    codes = {n: (r.error or {}).get("code") for n, r in by_name.items() if not r.ok}
    assert codes["hang.txt"] == "timeout"
    assert codes["bloat.txt"] == "memory_limit"
    assert codes["empty.txt"] == "empty_file"
    assert codes["binary.txt"] in {"binary_text", "encoding_unknown"}
    assert codes["corrupt.pdf"] == "pdf_corrupt"
    assert len(codes) == 5
    assert all(by_name[f"doc{i:03d}.txt"].ok for i in range(6))
    assert by_name["same-as-doc002.txt"].ok
    assert batch.engine.replaced >= 2  # the killed workers were replaced and the batch went on

    # one row per distinct content; the duplicate is a second path of the same document
    rows = db_rows(db)
    assert len(rows) == len(inputs) - 1
    assert len({r[1] for r in rows}) == len(rows)
    assert {json.loads(r[3])["status"] for r in rows} == {"ok", "error"}
    n_paths = db_rows(db, "SELECT count(*) FROM document_paths")[0][0]
    assert n_paths == len(inputs)
    errs = dict(db_rows(db, "SELECT d.path, e.code FROM errors e JOIN documents d ON d.id = e.document_id"))
    assert errs[str(hang)] == "timeout" and errs[str(bloat)] == "memory_limit"

    # rerun without the hooks: everything stored is reused, except the transient errors, which are redone
    monkeypatch.delenv("DOCSCAN_TEST_HANG")
    monkeypatch.delenv("DOCSCAN_TEST_BLOAT")
    again = Batch(inputs, cfg, jobs=2, db=str(db))
    reports2 = list(again.reports())
    assert [r.source["path"] for r in reports2] == inputs
    assert again.progress.scanned == 2  # hang.txt and bloat.txt
    assert again.progress.skipped == len(inputs) - 2
    assert {r.source["path"].rsplit("/", 1)[-1] for r in reports2 if not r.ok} == {"empty.txt", "binary.txt",
                                                                                     "corrupt.pdf"}
    assert len(db_rows(db)) == len(inputs) - 1  # replaced, never stored twice
    for r1, r2 in zip(reports, reports2, strict=True):
        if r1.ok:
            assert r1.to_dict() == r2.to_dict()


def test_single_file_runs_in_process(tmp_path):
    p = make_archive(tmp_path, 1, bad=False)[0]
    batch = Batch([str(p)], Config(**RULES_ONLY), jobs=1)
    (r,) = list(batch.reports())
    assert r.ok and r.source["path"] == str(p)
    assert type(batch.engine).__name__ == "InlineEngine"  # no worker start-up for one file
    assert [x.to_dict() for x in run([str(p)], Config(**RULES_ONLY), jobs=2)] == [r.to_dict()]


def test_store_keeps_one_row_per_content_across_pipeline_versions(tmp_path):
    from batchgen import report_dict

    db = tmp_path / "s.sqlite"
    with Store(db) as st:
        st.put(report_dict("a.txt", sha="f" * 64), sha256="f" * 64, pipeline_version="v1", path="a.txt")
        assert st.known("v1") == {"f" * 64: 1}
        assert st.known("v2") == {}
        st.put(report_dict("a.txt", sha="f" * 64, score=10.0), sha256="f" * 64, pipeline_version="v2", path="a.txt")
        assert set(st.known("v2")) == {"f" * 64}
    con = sqlite3.connect(db)
    assert con.execute("SELECT pipeline_version, score FROM documents").fetchall() == [("v2", 10.0)]
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_cli_jsonl_streams_in_order_and_rerun_reuses(tmp_path):
    make_archive(tmp_path / "a", 4)
    db = tmp_path / "r.sqlite"
    runner = CliRunner()
    res = runner.invoke(cli, ["scan", *NO_MODEL, str(tmp_path / "a"), "-r", "--db", str(db), "--jobs", "2", "--format", "jsonl"])
    assert res.exit_code == 2  # some inputs could not be read (contract)
    lines = jsonl(res.stdout)
    assert [d["source"]["path"] for d in lines] == discover([str(tmp_path / "a")], recursive=True)
    assert sum(d["status"] == "error" for d in lines) == 3
    res2 = runner.invoke(cli, ["scan", *NO_MODEL, str(tmp_path / "a"), "-r", "--db", str(db), "--jobs", "2", "--format",
                               "jsonl"])
    assert jsonl(res2.stdout) == lines
    assert "0 scanned" in res2.stderr  # summary line: nothing redone
    assert len(db_rows(db)) == 7


def test_one_worker_files_queued_behind_a_killed_or_crashed_worker_are_not_lost(tmp_path, monkeypatch):
    paths = [str(p) for p in make_archive(tmp_path, 5, bad=False)]
    monkeypatch.setenv("DOCSCAN_TEST_HANG", "doc000.txt")
    monkeypatch.setenv("DOCSCAN_TEST_CRASH", "doc003.txt")
    batch = Batch(paths, Config(timeout_s=2, **RULES_ONLY), jobs=1)
    reports = list(batch.reports())
    assert [r.source["path"] for r in reports] == paths
    assert [(r.error or {}).get("code") for r in reports] == ["timeout", None, None, "worker_crashed", None]
    assert "signal 11" in reports[3].error["message_en"]
    assert batch.engine.replaced == 2


def test_a_broken_rule_pack_stops_the_batch_instead_of_storing_error_rows(tmp_path):
    make_archive(tmp_path / "a", 3, bad=False)
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n  - id: [broken\n", encoding="utf-8")
    for extra in ([], ["--db", str(tmp_path / "r.sqlite")]):  # found by the workers / by the parent
        res = CliRunner().invoke(cli, ["scan", *NO_MODEL, str(tmp_path / "a"), "-r", "--jobs", "2", "--rules", str(bad),
                                       "--format", "jsonl", *extra])
        assert res.exit_code == 2
        assert res.stdout == "" and res.stderr.startswith("docscan: bad_rules:")
        assert "Traceback" not in res.stderr
    assert db_rows(tmp_path / "r.sqlite") == []
