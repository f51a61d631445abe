"""The Dask engine runs the same per-document function and stores the same results as the local pool."""

from __future__ import annotations

import pytest
from batchgen import NO_MODEL, RULES_ONLY, db_rows, jsonl, make_archive, run_cli

from docscan.batch.inputs import discover
from docscan.batch.runner import run
from docscan.config import Config

distributed = pytest.importorskip("distributed")


def _reports(db):
    return sorted((r[0], r[1], r[2], r[3]) for r in db_rows(db))


def test_dask_cluster_gives_the_local_results(tmp_path):
    make_archive(tmp_path / "a", 5, docx=True)
    inputs = discover([str(tmp_path / "a")], recursive=True)
    local_db, dask_db = tmp_path / "local.sqlite", tmp_path / "dask.sqlite"
    local = [r.to_dict() for r in run(inputs, Config(**RULES_ONLY), jobs=2, db=str(local_db))]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cl:
        remote = [r.to_dict() for r in run(inputs, Config(**RULES_ONLY), jobs=2, db=str(dask_db), engine="dask",
                                           scheduler=cl.scheduler_address)]
    assert remote == local
    assert [d["source"]["path"] for d in remote] == inputs
    assert sum(d["status"] == "error" for d in remote) == 3
    assert _reports(dask_db) == _reports(local_db)


def test_cli_engine_dask_starts_its_own_local_cluster(tmp_path):
    make_archive(tmp_path / "a", 3, bad=False)
    db = tmp_path / "r.sqlite"
    res = run_cli("scan", *NO_MODEL, str(tmp_path / "a"), "-r", "--db", str(db), "--jobs", "2", "--engine", "dask",
                  "--format", "jsonl")
    assert res.returncode == 0, res.stderr
    assert len(jsonl(res.stdout)) == 3
    assert len(db_rows(db)) == 3
