"""Duty matrix, 小马拉大车 index, attachment tables that make a vague upper duty concrete, the 准入 check."""

from __future__ import annotations

from pathlib import Path

import pytest

import docscan
from docscan.errors import DocscanError

HEAD = "X县人民政府办公室\n关于做好有关工作的通知\n各乡镇人民政府、街道办事处：\n"
TAIL = "\nX县人民政府办公室\n2025年3月3日\n"
SAMPLE = Path(docscan.__file__).parent / "data" / "duty_list_sample.yaml"

PUSHDOWN = ("各乡镇（街道）要建立排查台账，3月10日前完成辖区全部自建房排查。各乡镇（街道）每周五前报送排查进度表。"
            "各村（社区）每月开展2次入户走访，落实属地责任。县住建局要加强指导，给予支持。县应急管理局要积极配合。")


def test_rows_and_index() -> None:
    r = docscan.scan(text=HEAD + PUSHDOWN + TAIL, use_model=False)
    d = r.analysis["duties"]
    upper = [x for x in d["rows"] if x["level"] == "upper"]
    grass = [x for x in d["rows"] if x["level"] == "grassroots"]
    assert any(x["vague"] and "指导" in (x["verb"] or "") for x in upper)
    assert all(not x["concrete"] for x in upper)
    assert sum(x["concrete"] for x in grass) >= 3
    assert any(x["push_down"] for x in grass)
    idx = d["index"]
    assert idx["upper_vague"] >= 2 and idx["upper_concrete"] == 0
    assert idx["flag"] is True and idx["ratio"] >= 3


def test_concrete_upper_duty_is_not_vague() -> None:
    r = docscan.scan(text=HEAD + "县财政局于3月底前下拨专项资金200万元。" + TAIL, use_model=False)
    (row,) = [x for x in r.analysis["duties"]["rows"] if x["level"] == "upper"]
    assert row["concrete"] and not row["vague"] and row["resources"]
    assert {"money", "deadline"} <= set(row["markers"])


def test_attachment_table_makes_vague_duty_concrete(tmp_path: Path) -> None:
    md = tmp_path / "notice.md"
    md.write_text(
        "# 关于开展自建房排查的通知\n\n各乡镇人民政府：\n\n县住建局要加强指导。各乡镇每周五前报送排查进度表。\n\n"
        "附件：责任分工表\n\n| 任务 | 责任单位 | 完成时限 |\n| --- | --- | --- |\n"
        "| 派出技术人员10名驻镇指导排查 | 县住建局 | 3月31日前 |\n", encoding="utf-8")
    r = docscan.scan(md, use_model=False)
    rows = [x for x in r.analysis["duties"]["rows"] if x["level"] == "upper" and "加强指导" in x["text"]]
    assert rows, r.analysis["duties"]["rows"]
    assert rows[0]["vague"] is False and rows[0]["made_concrete_by"] is not None
    assert "县住建局" in rows[0]["made_concrete_by"]["text"]
    assert r.analysis["duties"]["index"]["upper_made_concrete_elsewhere"] == 1


def test_vague_duty_evidence_hook() -> None:
    from docscan.config import Config
    from docscan.detect import detect
    from docscan.pipeline import extract_document
    from docscan.quantify.duties import apply_vague_duty_evidence, vague_duty_evidence

    doc = extract_document("<t>", Config(use_model=False), text=HEAD + PUSHDOWN + TAIL)
    det = detect(doc, Config(use_model=False))
    ev = vague_duty_evidence(doc, det)
    vd = [i for i, f in enumerate(det.findings) if f.category == "vague_duty"]
    assert [e["index"] for e in ev] == vd
    if ev:  # the rule packs flag the push-down sentence: the matrix strengthens it
        before = det.findings[ev[0]["index"]].confidence
        apply_vague_duty_evidence(doc, det)
        f = det.findings[ev[0]["index"]]
        assert ev[0]["effect"] == "strengthen"
        assert f.confidence >= before and "duty_matrix_strengthen" in f.flags


def test_admission_with_sample_list() -> None:
    body = ("各村（社区）要协助做好秸秆禁烧宣传，落实田间巡查。各村（社区）每月组织开展村庄清洁行动。"
            "各村（社区）要在5月底前完成辖区企业安全生产执法检查并出具检测报告。各村（社区）每周报送招商引资项目进展。")
    r = docscan.scan(text=HEAD.replace("各乡镇人民政府、街道办事处", "各村（社区）") + body + TAIL,
                     use_model=False, duty_list=str(SAMPLE))
    adm = r.analysis["admission"]
    assert adm["list"].startswith("村（社区）职责清单") and adm["items"] >= 40
    texts = " ".join(u["text"] for u in adm["unlisted"])
    assert "招商引资" in texts
    assert "禁烧" not in texts and "村庄清洁" not in texts
    for u in adm["unlisted"]:
        assert u["similarity"] < adm["threshold"] and u["closest_list_item"]
        assert r.text[u["start"]:u["end"]].strip("，。；") in u["text"] or u["text"] in r.text[u["start"]:u["end"]]


def test_admission_csv_and_bad_list(tmp_path: Path) -> None:
    csv_path = tmp_path / "list.csv"
    csv_path.write_text("事项,关键词\n协助开展秸秆禁烧宣传和巡查,禁烧；秸秆\n", encoding="utf-8")
    r = docscan.scan(text=HEAD + "各村每周报送禁烧巡查情况。各村每月报送招商引资进展。" + TAIL,
                     use_model=False, duty_list=str(csv_path))
    un = r.analysis["admission"]["unlisted"]
    assert len(un) == 1 and "招商引资" in un[0]["text"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("items: 3\n", encoding="utf-8")
    with pytest.raises(DocscanError) as e:
        docscan.scan(text=HEAD + "各村每周报送台账。" + TAIL, use_model=False, duty_list=str(bad))
    assert e.value.code == "bad_duty_list"


def test_cli_duty_list(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from docscan.cli import cli

    p = tmp_path / "n.txt"
    p.write_text(HEAD + "各村每月报送招商引资进展。" + TAIL, encoding="utf-8")
    res = CliRunner().invoke(cli, ["scan", str(p), "--format", "json", "--duty-list", str(SAMPLE), "--model", "none"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.output)
    assert d["analysis"]["admission"]["unlisted"]
