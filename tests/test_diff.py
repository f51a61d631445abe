"""``docscan diff OLD NEW``: findings matched by category + sentence similarity; removed / added / kept."""

from __future__ import annotations

import json

from click.testing import CliRunner
from test_render_common import SAMPLE, fake_detector, make_finding, make_report

import docscan
from docscan.cli import cli
from docscan.diff import diff_reports

EDITED = (
    "县关于开展示范检查工作的通知\n"
    "各村（社区）要建立必要的工作台账。\n"  # reworded; the weekly photo submission is gone
    "县里每月开展一次督查检查，并进行排名通报。\n"
    "各乡镇实行一票否决。\n"  # the same-day deadline is gone
    "各村每天在工作群打卡。\n"  # new
)


def _report(text: str, spec: list[tuple[str, str]], **kw):
    doc = docscan.extract(text=text)
    return make_report(doc, [make_finding(doc, cat, phrase) for cat, phrase in spec], **kw)


def test_diff_matches_by_category_and_sentence():
    old = _report(SAMPLE, [("ledger_demand", "建立工作台账"), ("ledger_demand", "每周五前将工作进展、影像资料报送镇党政办"),
                           ("repeated_inspection", "每月开展一次督查检查"), ("accountability_pressure", "一票否决"),
                           ("deadline_pressure", "当天下班前")], score=60.0)
    new = _report(EDITED, [("ledger_demand", "建立必要的工作台账"), ("repeated_inspection", "每月开展一次督查检查"),
                           ("accountability_pressure", "一票否决"), ("digital_formalism", "每天在工作群打卡")],
                  score=35.0, burden={"reports_per_year": 0, "inspections_per_year": 12})
    d = diff_reports(old, new)
    assert sorted(f.text for f in d.removed) == ["当天下班前", "每周五前将工作进展、影像资料报送镇党政办"]
    assert [f.text for f in d.added] == ["每天在工作群打卡"]
    kept = {(k.old.text, k.new.text) for k in d.kept}
    assert kept == {("建立工作台账", "建立必要的工作台账"), ("每月开展一次督查检查", "每月开展一次督查检查"), ("一票否决", "一票否决")}
    # the reworded sentence still matched, above the 0.6 ratio but below 1
    reworded = next(k for k in d.kept if k.new.text == "建立必要的工作台账")
    assert 0.6 <= reworded.similarity < 1.0 and reworded.changed
    # a different category in the same sentence never matches
    assert not any(k.old.category != k.new.category for k in d.kept)
    dd = d.to_dict()
    assert dd["summary"]["score"] == [60.0, 35.0]
    assert dd["summary"]["burden"]["reports_per_year"] == [52, 0]
    assert dd["summary"]["counts"]["ledger_demand"] == [2, 1]


def test_diff_two_findings_in_one_sentence_pair_with_their_counterparts():
    old = _report(SAMPLE, [("ledger_demand", "建立工作台账"), ("ledger_demand", "每周五前将工作进展、影像资料报送镇党政办")])
    new = _report(SAMPLE, [("ledger_demand", "每周五前将工作进展、影像资料报送镇党政办"), ("ledger_demand", "建立工作台账")])
    d = diff_reports(old, new)
    assert not d.removed and not d.added
    assert all(k.old.text == k.new.text for k in d.kept)


def test_cli_diff_reports_removed_demand(tmp_path, monkeypatch):
    fake_detector(monkeypatch)
    a, b = tmp_path / "v1.txt", tmp_path / "v2.txt"
    a.write_text(SAMPLE, encoding="utf-8")
    b.write_text(SAMPLE.replace("，每周五前将工作进展、影像资料报送镇党政办", ""), encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(cli, ["diff", str(a), str(b), "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["schema"] == "docscan.diff/1"
    assert [f["text"] for f in data["removed"]] == ["每周五前将工作进展、影像资料报送镇党政办"]
    assert data["added"] == []
    assert data["summary"]["kept"] == 5
    res = runner.invoke(cli, ["diff", str(a), str(b)])
    assert res.exit_code == 0 and "\x1b[" not in res.output
    assert "已删除的问题（1）" in res.output and "【每周五前将工作进展、影像资料报送镇党政办】" in res.output
    out = tmp_path / "d.html"
    res = runner.invoke(cli, ["diff", str(a), str(b), "--format", "html", "-o", str(out)])
    assert res.exit_code == 0, res.output
    page = out.read_text(encoding="utf-8")
    assert "已删除的问题（1）" in page and "<mark>每周五前将工作进展、影像资料报送镇党政办</mark>" in page


def test_cli_diff_missing_file(tmp_path):
    a = tmp_path / "v1.txt"
    a.write_text(SAMPLE, encoding="utf-8")
    res = CliRunner().invoke(cli, ["diff", str(a), str(tmp_path / "nope.txt")])
    assert res.exit_code == 2
    assert "not_found" in res.output and "Traceback" not in res.output
