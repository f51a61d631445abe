"""The detection engine through the public API: what a sentence imposes on whom."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import docscan
from docscan.cli import cli
from docscan.config import Config
from docscan.detect import ClauseInfo, detect, fingerprint
from docscan.errors import DocscanError

CFG = Config(use_model=False)


def cats(text: str, **opts) -> list[str]:
    return sorted({f.category for f in docscan.scan(text=text, config=CFG, **opts).findings})


def test_prohibition_is_not_a_finding():
    assert cats("不得要求基层重复填报。") == []


def test_critique_is_not_a_finding():
    assert cats("报表多、反复填的问题依然存在。") == []


def test_demand_on_villages_is_a_finding():
    rep = docscan.scan(text="各村每周报送台账。", config=CFG)
    (f,) = rep.findings
    assert f.category == "ledger_demand"
    assert f.frequency["per_year"] == 52
    assert f.actor == "各村"
    assert f.text == "每周报送台账"
    assert rep.text[f.start:f.end] == f.text
    assert f.sentence == "各村每周报送台账。"
    assert f.source == "rule" and f.rule in f.rules and f.severity == "high"
    assert 0 < f.confidence <= 1


def test_demand_on_businesses_is_not_grassroots_burden():
    assert cats("企业每月报送安全生产台账。") == []


def test_concrete_upper_duty_is_not_a_finding():
    assert cats("县财政局于3月底前下拨资金200万元。") == []


def test_lip_service_reform_with_demand():
    rep = docscan.scan(text="为减轻基层负担，本次只收集一次数据，但各村仍须每周报送进度。", config=CFG)
    (f,) = rep.findings
    assert f.category == "ledger_demand"
    assert "每周报送进度" in f.text
    assert "declared_reform_with_demands" in f.flags


@pytest.mark.parametrize("text", ["各村不得漏报、迟报，每日17时前上报排查情况。", "各村不得漏报迟报。"])
def test_enforcement_is_a_demand(text):
    rep = docscan.scan(text=text, config=CFG)
    doc = docscan.extract(text=text)
    infos = detect(doc, CFG).clauses
    assert any(c.polarity == "demand" for c in infos)
    assert "不得漏报" not in " ".join(f.text for f in rep.findings if f.category != "ledger_demand")


def test_deadline_not_exceeding_is_a_demand_but_yearly_cap_is_a_limit():
    assert "deadline_pressure" in cats("各乡镇须在不超过1个工作日内完成整改并报送整改报告。")
    assert cats("对乡镇的督查检查原则上每年不超过1次。") == []


def test_cancel_x_evaluate_y():
    assert cats("取消纸质台账。") == []


def test_some_places_override():
    assert cats("有的村为应付检查，要求网格员每天拍照上传。") == []


def test_scheduled_upper_inspection_is_a_demand_on_the_receiver():
    rep = docscan.scan(text="县专项办每月对各乡镇暗访一次。", config=CFG)
    f = next(f for f in rep.findings if f.category == "repeated_inspection")
    assert f.requester == "县专项办"
    assert f.frequency["per_year"] == 12


def test_critique_section_prior():
    text = "二、存在问题\n各村每周报送台账，基层负担较重。\n三、工作要求\n各村每周报送台账。"
    rep = docscan.scan(text=text, config=CFG)
    assert len([f for f in rep.findings if f.category == "ledger_demand"]) == 1
    assert rep.findings[0].start > text.index("三、")


def test_vague_duty_names_the_vague_upper_actor():
    rep = docscan.scan(text="县住建局加强业务指导，各乡镇（街道）落实属地责任，对辖区农村危房开展全面排查并兜底负责。",
                       config=CFG)
    vd = [f for f in rep.findings if f.category == "vague_duty"]
    assert vd and "县住建局" in vd[0].message
    assert "落实属地责任" in vd[0].text
    assert vd[0].actor == "各乡镇（街道）"


def test_example_document_all_seven_categories():
    from pathlib import Path

    p = Path(__file__).resolve().parents[1] / "examples" / "县关于开展农村人居环境整治工作的通知.txt"
    if not p.exists():
        pytest.skip("example missing")
    rep = docscan.scan(p, config=CFG)
    found = {f.category for f in rep.findings}
    assert found == set(docscan.report.CATEGORIES)
    text = rep.text
    reform = text.index("凡能从")
    assert not [f for f in rep.findings if reform <= f.start < text.index("。", reform)]
    upper = text.index("县财政局")
    assert not [f for f in rep.findings if upper <= f.start < text.index("。", upper)]
    ledger = next(f for f in rep.findings if f.category == "ledger_demand" and "周报表" in f.text)
    assert ledger.frequency["per_year"] == 52 and ledger.severity == "high" and "zero_report" in ledger.flags


def test_clause_infos_describe_duties():
    doc = docscan.extract(text="县财政局于2025年4月30日前下拨专项资金200万元，县住建局加强业务指导，各村每周报送台账。")
    infos = detect(doc, CFG).clauses
    assert all(isinstance(c, ClauseInfo) for c in infos)
    by_actor = {c.actor: c for c in infos}
    assert by_actor["县财政局"].actor_level == "upper" and by_actor["县财政局"].concrete is True
    assert by_actor["县住建局"].vague is True
    assert by_actor["各村"].frequency["per_year"] == 52 and "report" in by_actor["各村"].action_types


def test_english_messages():
    rep = docscan.scan(text="各村每周报送台账。", config=Config(use_model=False, lang="en"))
    assert rep.findings
    assert "submit" in rep.findings[0].message or "ledger" in rep.findings[0].message


def test_disable_by_id_prefix_and_category():
    rep = docscan.scan(text="各村每周报送台账。", config=CFG, disable=("ledger.periodic_submission",))
    assert rep.findings and all("ledger.periodic_submission" not in f.rules for f in rep.findings)
    assert cats("各村每周报送台账。", disable=("ledger",)) == []
    assert cats("各村每周报送台账。", disable=("ledger_demand",)) == []


def test_fingerprint_changes_with_rules(tmp_path):
    base = fingerprint(CFG)
    assert len(base) == 12 and base == fingerprint(CFG)
    assert fingerprint(Config(use_model=False, disable=("ledger",))) != base
    assert fingerprint(Config(use_model=True)) != base


OVERRIDE = """
rules:
  - id: ledger.periodic_submission
    category: ledger_demand
    triggers: {terms: [报送]}
    message: {zh: 自定义消息, en: custom}
  - id: custom.weekly_meeting
    category: meeting_overload
    triggers: {terms: [周例会]}
    message: {zh: 周例会负担, en: weekly meeting}
    examples: {should_flag: [{text: 各村每周召开周例会。, span: 周例会}]}
"""


def test_user_pack_overrides_and_adds(tmp_path):
    p = tmp_path / "mine.yaml"
    p.write_text(OVERRIDE, encoding="utf-8")
    cfg = Config(use_model=False, rules_files=(str(p),))
    rep = docscan.scan(text="各村每周报送进度。", config=cfg)
    assert any(f.message == "自定义消息" for f in rep.findings)
    rep = docscan.scan(text="各村要召开周例会。", config=cfg)
    assert any("custom.weekly_meeting" in f.rules for f in rep.findings)


@pytest.mark.parametrize(("snippet", "needle"), [
    ("rules:\n  - id: Bad Id\n    category: ledger_demand\n    triggers: {terms: [x]}\n    message: m\n", "id"),
    ("rules:\n  - id: a.b\n    category: nope\n    triggers: {terms: [x]}\n    message: m\n", "category"),
    ("rules:\n  - id: a.b\n    category: ledger_demand\n    triggers: {regex: ['\\\\b台账']}\n    message: m\n", "triggers.regex"),
    ("rules:\n  - id: a.b\n    category: ledger_demand\n    triggers: {lexicons: [nolex]}\n    message: m\n", "triggers.lexicons"),
    ("rules:\n  - id: a.b\n    category: ledger_demand\n    triggers: {terms: [x]}\n", "message"),
    ("rules: [\n", "mine.yaml"),
    ("rules:\n  - id: a.b\n    category: ledger_demand\n    triggers: {terms: [x]}\n    message: m\n"
     "    exceptions: {sentence_regex: ['(发现']}\n", "exceptions.sentence_regex"),
])
def test_bad_rules_are_clear_errors(tmp_path, snippet, needle):
    p = tmp_path / "mine.yaml"
    p.write_text(snippet, encoding="utf-8")
    with pytest.raises(DocscanError) as ei:
        docscan.scan(text="各村每周报送台账。", config=Config(use_model=False, rules_files=(str(p),)))
    assert ei.value.code == "bad_rules"
    assert needle in ei.value.detail and "mine.yaml" in ei.value.detail


REGEX_EXCEPTION = """
rules:
  - id: custom.weekly_meeting
    category: meeting_overload
    triggers: {terms: [周例会]}
    exceptions: {clause_regex: ['^(?:[^，。；]*)视情况'], sentence_regex: ['试行期间']}
    message: {zh: 周例会负担, en: weekly meeting}
"""


def test_user_pack_regex_exceptions(tmp_path):
    p = tmp_path / "mine.yaml"
    p.write_text(REGEX_EXCEPTION, encoding="utf-8")
    cfg = Config(use_model=False, rules_files=(str(p),))

    def rule_hit(text: str) -> bool:
        return any("custom.weekly_meeting" in f.rules for f in docscan.scan(text=text, config=cfg).findings)

    assert rule_hit("各村要召开周例会。")
    assert not rule_hit("各村视情况召开周例会。")  # clause_regex
    assert not rule_hit("试行期间，各村要召开周例会。")  # sentence_regex, matched in another clause


def test_cli_json_findings(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("各村每周报送台账。\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["scan", str(p), "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    f = next(f for f in data["findings"] if f["category"] == "ledger_demand")
    assert f["text"] == "每周报送台账" and f["start"] == 2 and f["end"] == 8
