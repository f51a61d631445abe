"""``docscan export`` and ``docscan stats`` on a results database (hand-written reports, no detection needed)."""

from __future__ import annotations

import csv
import json
import re

import pytest
from batchgen import finding, jsonl, report_dict
from click.testing import CliRunner

from docscan.batch.store import Store
from docscan.cli import cli

EVIL = "<script>alert(1)</script>镇"


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "results.sqlite"
    docs = [
        report_dict("a.txt", sha="a" * 64, issuer="X县人民政府办公室", date="2024-03-01", score=80.0,
                    findings=[finding("ledger_demand", "ledger.periodic_submission", s) for s in (0, 10, 20)]
                    + [finding("repeated_inspection", "inspection.frequency", 30, "medium")],
                    burden={"reports_per_year": 52, "inspections_per_year": 12}),
        report_dict("b.docx", sha="b" * 64, issuer="Y镇人民政府", date="2025-01-05", score=20.0, genre="实施方案",
                    findings=[finding("vague_duty", "duty.vague_guidance", 5, "low")],
                    burden={"reports_per_year": 4, "inspections_per_year": None}),
        report_dict("c.txt", sha="c" * 64, issuer=EVIL, date="2025-06-30", score=0.0),
    ]
    err = {"schema": "docscan.report/1", "status": "error", "source": {"path": "d.pdf"},
           "error": {"code": "pdf_corrupt", "message": "PDF 文件损坏或不完整：d.pdf"}}
    with Store(path) as st:
        for d in docs:
            st.put(d, sha256=d["source"]["sha256"], pipeline_version="t1", path=d["source"]["path"])
        st.put(err, sha256="d" * 64, pipeline_version="t1", path="d.pdf")
    return path


def _invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_export_csv_findings_parses_back(db, tmp_path):
    out = tmp_path / "f.csv"
    res = _invoke("export", db, "--format", "csv", "-o", out)
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert len(rows) == 5
    assert sorted(r["category"] for r in rows).count("ledger_demand") == 3
    assert {r["path"] for r in rows} == {"a.txt", "b.docx"}
    assert rows[0]["issuer"] == "X县人民政府办公室" and rows[0]["start"] == "0"


def test_export_jsonl_documents_and_reports(db):
    res = _invoke("export", db, "--format", "jsonl", "--table", "documents")
    assert res.exit_code == 0, res.output
    docs = jsonl(res.stdout)
    assert {d["path"]: d["status"] for d in docs} == {"a.txt": "ok", "b.docx": "ok", "c.txt": "ok", "d.pdf": "error"}
    assert "report" not in docs[0]
    res = _invoke("export", db, "--format", "jsonl", "--table", "reports")
    reports = jsonl(res.stdout)
    assert all(r["schema"] == "docscan.report/1" for r in reports)
    assert next(r for r in reports if r["status"] == "error")["error"]["code"] == "pdf_corrupt"


def test_export_parquet_parses_back(db, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    res = _invoke("export", db, "--format", "parquet", "--table", "documents", "-o", tmp_path / "d.parquet")
    assert res.exit_code == 0, res.output
    t = pq.read_table(tmp_path / "d.parquet")
    assert t.num_rows == 4
    assert str(t.schema.field("score").type) == "double" and str(t.schema.field("year").type) == "int64"
    res = _invoke("export", db, "--format", "parquet")  # default name next to the database
    assert res.exit_code == 0, res.output
    f = pq.read_table(str(db.with_suffix("")) + ".findings.parquet").to_pylist()
    assert len(f) == 5 and {r["category"] for r in f} == {"ledger_demand", "repeated_inspection", "vague_duty"}


def test_export_empty_table_is_a_valid_file(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "e.sqlite"
    Store(path).close()
    res = _invoke("export", path, "--format", "parquet", "-o", tmp_path / "e.parquet")
    assert res.exit_code == 0, res.output
    assert pq.read_table(tmp_path / "e.parquet").num_rows == 0


def test_stats_json_counts(db):
    res = _invoke("stats", db, "--json")
    assert res.exit_code == 0, res.output
    s = json.loads(res.stdout)
    assert s["totals"] == {"documents": 4, "ok": 3, "errors": 1, "findings": 5, "pages": 6}
    cats = {c["category"]: (c["findings"], c["documents"]) for c in s["categories"]}
    assert cats["ledger_demand"] == (3, 1) and cats["vague_duty"] == (1, 1) and cats["meeting_overload"] == (0, 0)
    assert {y["year"]: y["documents"] for y in s["years"]} == {2024: 1, 2025: 2, None: 1}
    assert s["rules"][0] == {"rule": "ledger.periodic_submission", "category": "ledger_demand", "count": 3}
    bins = {b["label"]: b["count"] for b in s["burden"]["reports_per_year"]["bins"]}
    assert bins["27–52"] == 1 and bins["1–4"] == 1 and s["burden"]["reports_per_year"]["unknown"] == 1
    assert [w["path"] for w in s["worst"]] == ["a.txt", "b.docx"]  # documents without findings are not listed
    assert s["errors"] == [{"code": "pdf_corrupt", "count": 1, "example": "d.pdf"}]


def test_stats_html_is_self_contained_with_the_counts(db, tmp_path):
    out = tmp_path / "dash.html"
    res = _invoke("stats", db, "--html", out)
    assert res.exit_code == 0, res.output
    assert "过度留痕" in res.stdout and "X县人民政府办公室" in res.stdout  # terminal tables too
    page = out.read_text(encoding="utf-8")
    assert re.search(r'id="n-documents">4<', page) and re.search(r'id="n-findings">5<', page)
    row = re.search(r'<tr data-category="ledger_demand">(.*?)</tr>', page).group(1)
    assert re.findall(r'class="n">(\d+)<', row) == ["3", "1"]
    assert '<tr data-code="pdf_corrupt">' in page
    assert page.count("<svg") >= 5  # charts are inline SVG
    assert "<script" not in page and "&lt;script&gt;" in page  # document text is escaped
    assert not re.search(r'(src|href)="(https?:)?//', page)  # nothing fetched from elsewhere


def test_bad_database_is_one_line_error(tmp_path):
    res = _invoke("stats", tmp_path / "missing.sqlite")
    assert res.exit_code == 2 and "not_found" in res.output
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a database", encoding="utf-8")
    for args in (["stats", junk], ["export", junk, "--format", "csv"]):
        res = _invoke(*args)
        assert res.exit_code == 2 and "bad_db" in res.output
        assert "Traceback" not in res.output
