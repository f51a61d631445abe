"""End-to-end smoke tests through the public API and CLI."""

from __future__ import annotations

import json

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
