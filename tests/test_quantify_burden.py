"""Burden figures end to end: frequency/deadline expressions → ``docscan.scan(text=...)`` → summary.burden."""

from __future__ import annotations

import pytest

import docscan

HEAD = "X县人民政府办公室\n关于做好有关工作的通知\n各乡镇人民政府、街道办事处：\n"
TAIL = "\nX县人民政府办公室\n2025年3月3日\n"  # a Monday


def scan(body: str):
    return docscan.scan(text=HEAD + body + TAIL, use_model=False)


# (body, figure, expected) — every expected value counted by hand (domain §C.1/C.3, docscan/quantify/burden.py)
CASES = [
    ("各村每周报送台账。", "reports_per_year", 52),
    ("各乡镇（街道）每月5日前将上月工作情况报县农业农村局。", "reports_per_year", 12),
    ("各乡镇每季度报送一次工作进展。", "reports_per_year", 4),
    ("各乡镇每半年报送工作总结。", "reports_per_year", 2),
    ("各乡镇每年12月底前报送年度工作总结。", "reports_per_year", 1),
    ("各乡镇每旬报送工作进度。", "reports_per_year", 36),
    ("各乡镇每两周报送一次进展情况。", "reports_per_year", 26),
    ("各乡镇每两个月报送一次工作情况。", "reports_per_year", 6),
    ("各乡镇实行周报制度，每周五12时前填报进度表。", "reports_per_year", 52),
    ("各村（社区）每日17时前上报当日排查情况。", "reports_per_year", 250),
    ("各村（社区）每个工作日上报排查情况。", "reports_per_year", 250),
    ("各乡镇每天（含节假日）报送值班情况。", "reports_per_year", 365),
    ("各乡镇每日两次报送监测数据。", "reports_per_year", 500),
    ("各乡镇每月两次报送巡查情况。", "reports_per_year", 24),
    ("各乡镇每半月报送一次工作进展。", "reports_per_year", 24),
    ("各乡镇随时报送发现的问题。", "reports_per_year", 12),
    ("各乡镇定期报送工作进展。", "reports_per_year", 4),
    ("各乡镇不定期报送工作动态。", "reports_per_year", 12),
    ("各乡镇每季度首月10日前报送上季度情况。", "reports_per_year", 4),
    ("请各乡镇于3月20日前报送工作方案。", "reports_per_year", 1),
    ("各乡镇每周五前分别报送县农业农村局和县生态环境局。", "reports_per_year", 104),
    ("各乡镇每季度至少报送2篇工作信息。", "reports_per_year", 8),
    ("各乡镇每月底前将纸质版和电子版材料报送县民政局。", "reports_per_year", 12),
    # active periods
    ("5月1日至5月31日专项行动期间，各乡镇每周一报送进展。", "reports_per_year", 4),
    ("6月1日至8月31日，各乡镇每周报送一次防汛情况。", "reports_per_year", 13),
    ("汛期各乡镇每周报送一次巡查情况。", "reports_per_year", 19),
    ("汛期各村每日报送水情。", "reports_per_year", 92),
    ("秸秆禁烧期间（5月25日至6月30日），各乡镇每周五报送禁烧情况。", "reports_per_year", 5),
    ("森林防火期各村每月报送巡护情况。", "reports_per_year", 5),
    ("各乡镇节假日期间每日报送值班情况。", "reports_per_year", 30),
    # deadlines → shortest window (calendar days from 2025-03-03)
    ("请各乡镇于3月20日前报送工作方案。", "shortest_window_days", 17),
    ("各乡镇于3个工作日内报送排查结果。", "shortest_window_days", 3),
    ("请各乡镇于当天下班前报送摸排结果。", "shortest_window_days", 0),
    ("各乡镇要在24小时内报送核查情况。", "shortest_window_days", 1),
    ("请各乡镇次日报送整改情况。", "shortest_window_days", 1),
    ("请各乡镇于3月底前报送工作总结。", "shortest_window_days", 28),
    # inspections received
    ("县专项办每月暗访一次。", "inspections_per_year", 12),
    ("县专班每季度督查一次，年底开展“回头看”。", "inspections_per_year", 5),
    ("县政府每半年对各乡镇进行一次考核。", "inspections_per_year", 2),
    ("县委将此项工作纳入年度考核。", "inspections_per_year", None),
    # meetings
    ("各乡镇每周召开一次调度会。", "meetings_per_year", 52),
    ("县里每月召开推进会，各乡镇主要负责同志参加。", "meetings_per_year", 12),
    ("各乡镇要召开专题会议传达学习。", "meetings_per_year", 1),
    # not burdens
    ("不得要求基层重复填报。", "reports_per_year", None),
    ("报表多、反复填的问题依然存在。", "reports_per_year", None),
    ("企业应于每年6月30日前报送上一年度年报。", "reports_per_year", None),
]


@pytest.mark.parametrize(("body", "figure", "expected"), CASES, ids=[f"{i:02d}" for i in range(len(CASES))])
def test_expression_figures(body: str, figure: str, expected: int | None) -> None:
    r = scan(body)
    got = r.burden[figure]
    assert got == expected, (body, figure, got, r.analysis["burden_items"])


def test_worked_example_domain_c3() -> None:
    body = ("各乡镇（街道）每周五前报送进度表，每月5日前报送月度总结及图片资料；县专班每季度督查一次，年底开展“回头看”；"
            "各村（社区）建立一户一档台账，县将进度纳入年度考核并每月通报排名。")
    r = scan(body)
    assert r.burden["reports_per_year"] == 64
    assert r.burden["inspections_per_year"] == 5
    b = r.analysis["burden"]
    assert b["by_level"]["village"]["ledgers_to_maintain"] == 1
    assert "N_households" in b["multiplicity"]
    assert b["pressure"]["assessment"] and b["pressure"]["ranking"]
    assert b["weighted_reports"] == pytest.approx(52 + 12 * 1.5)


def test_items_show_arithmetic() -> None:
    r = scan("秸秆禁烧期间（5月25日至6月30日），各乡镇每周五报送禁烧情况及现场照片。")
    (item,) = [i for i in r.analysis["burden_items"] if i["action_type"] == "report"]
    assert item["count"] == 5 and item["per_year"] == 52
    assert item["window"]["from"] == "2025-05-25" and item["window"]["to"] == "2025-06-30"
    assert item["evidence_weight"] == 1.5 and "photo_video" in item["materials"]
    assert "5" in item["note"] and item["start"] < item["end"]
    assert r.text[item["start"]:item["end"]].startswith("各乡镇")


def test_nothing_imposed_is_null() -> None:
    r = scan("县财政局于3月底前下拨专项资金200万元。")
    assert r.burden == {"reports_per_year": None, "inspections_per_year": None, "meetings_per_year": None,
                        "materials": None, "shortest_window_days": None}


def test_json_has_analysis_keys() -> None:
    import json

    d = json.loads(scan("各村每周报送台账。").to_json())
    assert d["summary"]["burden"]["reports_per_year"] == 52
    for key in ("burden", "burden_items", "duties", "regulation_checks"):
        assert key in d["analysis"]
    assert "burden_summary" not in d["analysis"]
