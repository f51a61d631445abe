"""Repeated sentences and clauses get their quantify facts and duty rows once, replayed at each occurrence: the
same report as analysing every occurrence."""

from __future__ import annotations

import json

import pytest

import docscan
from docscan.config import Config
from docscan.quantify import facts

LINES = [
    "各村（社区）要建立人居环境整治台账，每月底前将纸质版和电子版报镇农业服务中心备查。",
    "请各乡镇（街道）于每周五12时前填报《进度周报表》，实行零报告制度，逾期未报的予以通报。",
    "县专项办每月以“四不两直”方式暗访一次，对问题突出的乡镇挂牌督办。",
    "县住建局加强业务指导，各乡镇（街道）落实属地责任，对辖区农村危房开展全面排查并兜底负责。",
    "县财政局安排200万元专项资金，各镇要在6月1日至9月30日汛期每日巡查。",
    "网格员每天在工作群里打卡签到，30分钟内回复，并由县指挥部办公室汇总。",
]


def _text() -> str:
    return "\n".join(LINES[(i * 5) % len(LINES)] for i in range(90))


def _analysis(text: str) -> str:
    d = docscan.scan(text=text, config=Config(use_model=False)).to_dict()
    return json.dumps({k: d[k] for k in ("findings", "summary", "analysis")}, sort_keys=True, ensure_ascii=False)


def test_replayed_facts_and_rows_same_report(monkeypatch: pytest.MonkeyPatch) -> None:
    text = _text()
    fast = _analysis(text)
    monkeypatch.setattr(facts, "REUSE_REPEATS", False)
    slow = _analysis(text)
    a = json.loads(fast)["analysis"]
    assert a["duties"]["rows"] and a["burden_items"], "the text must yield duty rows and burden items"
    assert fast == slow


def test_duty_rows_at_every_occurrence() -> None:
    text = _text()
    rows = docscan.scan(text=text, config=Config(use_model=False)).analysis["duties"]["rows"]
    line = LINES[3]
    starts = [i for i in range(len(text)) if text.startswith(line, i)]
    assert len(starts) == 15
    per = [sorted((r["start"] - s, r["level"], r["vague"], r["push_down"]) for r in rows
                  if s <= r["start"] < s + len(line)) for s in starts]
    assert per[0] and all(p == per[0] for p in per)
