"""End-to-end smoke tests through the public API and CLI."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import docscan
from docscan.cli import cli


def test_extract_text_roundtrip(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("关于开展检查的通知\n各村（社区）：\n请于每周五前报送台账。\n", encoding="utf-8")
    doc = docscan.extract(p)
    assert "请于每周五前报送台账。" in doc.text
    assert doc.source.format == "txt"
    assert len(doc.source.sha256) == 64


def test_scan_json_contract(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("各村每周报送台账。\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["scan", str(p), "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["schema"] == "docscan.report/1"
    assert data["status"] == "ok"
    assert set(data["summary"]) >= {"score", "counts", "burden"}


def test_missing_file_is_error_record(tmp_path):
    res = CliRunner().invoke(cli, ["scan", str(tmp_path / "nope.txt"), "--format", "json"])
    assert res.exit_code == 2
    data = json.loads(res.output)
    assert data["status"] == "error"
    assert data["error"]["code"] == "not_found"


def test_scan_takes_a_sentence_or_a_path(tmp_path):
    import docscan

    r = docscan.scan("各村每周五前向镇政府报送安全生产巡查台账。")
    assert [f.category for f in r.findings] == ["ledger_demand"]
    f = r.findings[0]
    assert r.text[f.start:f.end] in r.text and f.start < f.end
    assert not docscan.scan("不得要求基层重复填报台账。").findings
    p = tmp_path / "通知.txt"
    p.write_text("各村每周五前向镇政府报送安全生产巡查台账。\n", encoding="utf-8")
    assert [f.category for f in docscan.scan(str(p)).findings] == ["ledger_demand"]
    from docscan.errors import DocscanError

    with pytest.raises(DocscanError) as e:
        docscan.scan(str(tmp_path / "没有这个文件.txt"))
    assert e.value.code == "not_found"
