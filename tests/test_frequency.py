"""Frequency (domain §C.1) and deadline (§C.2) expressions."""

from __future__ import annotations

from datetime import date

import pytest

from docscan.detect.frequency import cn_number, parse_deadline, parse_frequency

FREQ = [
    ("每周五12时前填报", "每周五12时前", 52),
    ("各村每周报送台账", "每周", 52),
    ("一周一调度", "一周一调度", 52),
    ("半月一通报", "半月一通报", 24),
    ("实行日报告制度", "日报", 250),
    ("每季度督查一次", "每季度", 4),
    ("请于每两个月报送", "每两个月", 6),
    ("每月5日前报送", "每月5日前", 12),
    ("每个工作日17时前", "每个工作日", 250),
    ("每天登录学习", "每天", 250),
    ("每日一报", "每日一报", 250),
    ("每月底前将纸质版报送", "每月底前", 12),
    ("每月两次", "每月两次", 24),
    ("每周两次", "每周两次", 104),
    ("一日两报", "一日两报", 500),
    ("一日双巡", "一日双巡", 500),
    ("每旬报送一次", "每旬", 36),
    ("旬报", "旬报", 36),
    ("每半月报送", "每半月", 24),
    ("双周调度", "双周", 26),
    ("隔周报送", "隔周", 26),
    ("每半年总结一次", "每半年", 2),
    ("每年开展一次", "每年", 1),
    ("季报", "季报", 4),
    ("月报", "月报", 12),
    ("周报表", "周报", 52),
    ("每10天报送一次", "每10天", 36.5),
    ("每隔3天", "每隔3天", 121.67),
    ("每三个月", "每三个月", 4),
    ("每季度首月10日前", "每季度首月10日前", 4),
    ("每天（含周末）值守", "每天", 365),
    ("汛期每日报送", "每日", 135),
    ("一季一督查", "一季一督查", 4),
    ("一月一总结", "一月一总结", 12),
    ("逐月报送", "逐月", 12),
    ("每星期一上报", "每星期一", 52),
    ("每十二个月", "每十二个月", 1),
]


@pytest.mark.parametrize(("text", "expr", "per_year"), FREQ)
def test_frequency(text, expr, per_year):
    found = parse_frequency(text)
    assert found, text
    f = found[0]
    assert f["text"] == expr
    assert f["per_year"] == pytest.approx(per_year, rel=0.01)
    assert text[f["start"]:f["end"]] == f["text"]


@pytest.mark.parametrize("text", ["不定期开展暗访", "随时报送", "发现即报", "实时更新"])
def test_unbounded(text):
    f = parse_frequency(text)[0]
    assert f["unbounded"] is True and f["per_year"] == 12


def test_unspecified():
    f = parse_frequency("定期报送工作进展")[0]
    assert f["unspecified"] is True and f["per_year"] == 4


@pytest.mark.parametrize("text", ["人民日报报道了该县的做法", "《农民日报》刊发", "定期存款利率", "每年新增就业500人",
                                  "全年报送信息", "企业应于6月30日前报送年报送审"])
def test_not_frequencies(text):
    assert not [f for f in parse_frequency(text) if f["per_year"] and f["per_year"] > 1]


def test_chain_counts_each_item():
    got = parse_frequency("一周一调度、半月一通报、一月一总结")
    assert [f["per_year"] for f in got] == [52, 24, 12]


DL = [
    ("立即报送", "立即", 0, "immediate"),
    ("第一时间报告", "第一时间", 0, "immediate"),
    ("请于今天下班前报送", "今天下班前", 0, "same_day"),
    ("当日完成", "当日", 0, "same_day"),
    ("次日上午报送", "次日", 1, "next_day"),
    ("明天上午报送", "明天", 1, "next_day"),
    ("24小时内完成", "24小时内", 1, "hours"),
    ("48小时内", "48小时内", 2, "hours"),
    ("3日内召开", "3日内", 3, "days"),
    ("三天内完成", "三天内", 3, "days"),
    ("十五日内办结", "十五日内", 15, "days"),
    ("2周内完成", "2周内", 14, "weeks"),
]


@pytest.mark.parametrize(("text", "expr", "days", "kind"), DL)
def test_deadline(text, expr, days, kind):
    d = parse_deadline(text)[0]
    assert (d["text"], d["kind"]) == (expr, kind)
    assert d["days"] == pytest.approx(days)


def test_working_days_with_calendar():
    d = parse_deadline("3个工作日内完成", date(2025, 3, 7))[0]  # a Friday
    assert d["kind"] == "working_days" and d["working_days"] == 3
    assert d["days"] == 5  # Mon, Tue, Wed


def test_date_deadline_from_issue_date():
    d = parse_deadline("于2025年4月30日前下拨", date(2025, 3, 2))[0]
    assert d["kind"] == "date" and d["days"] == 59


def test_month_end_from_issue_date():
    d = parse_deadline("月底前报送", date(2025, 3, 2))[0]
    assert d["days"] == 29


def test_start_date_is_not_a_deadline():
    assert parse_deadline("即日起施行") == []


def test_recurring_deadline():
    d = parse_deadline("每月5日前报送")[0]
    assert d["kind"] == "recurring"


def test_vague_deadline():
    d = parse_deadline("请尽快报送")[0]
    assert d["kind"] == "vague" and d["days"] is None


@pytest.mark.parametrize(("s", "v"), [("一", 1), ("两", 2), ("十", 10), ("十二", 12), ("二十", 20), ("一百零五", 105),
                                       ("半", 0.5), ("12", 12), ("三十", 30)])
def test_cn_number(s, v):
    assert cn_number(s) == v
