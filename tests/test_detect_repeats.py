"""Repeated sentences and lines are evaluated once (engine memo, prefilter.LineBatch): same report as without."""

from __future__ import annotations

import json
import re

import pytest

import docscan
from docscan.config import Config
from docscan.detect import engine as engine_mod
from docscan.detect import prefilter

LINES = [
    "各村（社区）要建立人居环境整治台账，每月底前将纸质版和电子版报镇农业服务中心备查。",
    "请各乡镇（街道）于每周五12时前填报《进度周报表》，实行零报告制度，逾期未报的予以通报。",
    "县专项办每月以“四不两直”方式暗访一次，对问题突出的乡镇挂牌督办。",
    "县住建局加强业务指导，各乡镇（街道）落实属地责任，对辖区农村危房开展全面排查并兜底负责。",
    "凡能从平台共享获取的数据，县直各部门不得再要求乡镇重复填报。",
    "网格员每天在工作群里打卡签到，30分钟内回复。",
]


def _dense(n: int = 260) -> str:
    out = []
    for i in range(n):
        ln = LINES[(i * 7) % len(LINES)]
        if i % 5 == 0:
            ln = ln.replace("每月", "每周")
        out.append(ln)
    return "\n".join(out)


def _report(text: str) -> str:
    r = docscan.scan(text=text, config=Config(use_model=False))
    d = r.to_dict()
    return json.dumps({k: d[k] for k in ("findings", "summary", "analysis")}, sort_keys=True, ensure_ascii=False)


def test_repeated_sentences_same_report_as_without_memo(monkeypatch: pytest.MonkeyPatch) -> None:
    text = _dense()
    fast = _report(text)
    monkeypatch.setattr(engine_mod.Engine, "_memo_key", lambda self, *a: None)
    monkeypatch.setattr(prefilter.LineBatch, "of", classmethod(lambda cls, text: None))
    slow = _report(text)
    assert json.loads(fast)["findings"], "the dense text must yield findings"
    assert fast == slow


def test_repeated_line_findings_at_every_occurrence() -> None:
    text = _dense()
    r = docscan.scan(text=text, config=Config(use_model=False))
    line = LINES[3]
    starts = [m.start() for m in re.finditer(re.escape(line), text)]
    assert len(starts) > 10
    per_occurrence = [sorted((f.category, f.start - s, f.end - s) for f in r.findings if s <= f.start < s + len(line))
                      for s in starts[1:]]
    assert per_occurrence[0] and all(p == per_occurrence[0] for p in per_occurrence)


@pytest.mark.parametrize(("pattern", "local"), [
    (r"每(?:周|月)[^，。；\n]{0,6}报送", True),
    (r"(?:^|(?<=[，。\n]))有的[^，。；\n]{1,8}", True),
    (r"(?<![上填])报(?=镇|县)", True),
    (r"报送[^，。；]{0,8}台账", False),  # a negated class without \n can run into the next line
    (r"台账$", False),
    (r"(?m)^台账", False),
    (r"台?", False),  # nullable
])
def test_line_local(pattern: str, local: bool) -> None:
    assert prefilter.line_local(re.compile(pattern)) is local


@pytest.mark.parametrize("pattern", [
    r"每(?:周|月)[^，。；\n]{0,6}报",
    r"(?:^|(?<=[，。\n]))(?:各村|请各乡镇)[^，。\n]{0,4}",
    r"(?<![报])送(?=镇|县)|报(?=镇)",
    r"[0-9]+分钟内",
])
def test_line_batch_spans_equal_finditer(pattern: str) -> None:
    rx = re.compile(pattern)
    assert prefilter.line_local(rx)
    text = _dense()
    batch = prefilter.LineBatch.of(text)
    assert batch is not None
    assert batch.spans(rx.finditer) == [(m.start(), m.end()) for m in rx.finditer(text)]
    assert prefilter.LineBatch.of("\n".join(f"第{i}行" for i in range(300))) is None  # nothing repeats


def test_same_sentence_under_different_sections_same_report_as_without_memo(monkeypatch: pytest.MonkeyPatch) -> None:
    # one sentence text evaluated under a critique heading and a demand heading in turn: the memo keys it by its
    # section prior too, so each section reads it its own way, with or without the memo
    said = "各村每周报送台账，在工作群里打卡签到。"
    parts = ["关于做好村级台账工作的通知"]
    for i in range(1, 9):
        head = "典型案例" if i % 2 else "工作要求"
        parts += [f"{'一二三四五六七八'[i - 1]}、{head}", said, LINES[i % len(LINES)], said]
    text = "\n".join(parts)
    fast = _report(text)
    monkeypatch.setattr(engine_mod.Engine, "_memo_key", lambda self, *a: None)
    slow = _report(text)
    on_said = [f for f in json.loads(fast)["findings"] if f["sentence"] == said]
    assert 0 < len(on_said) < 32, "the sections must read the sentence differently"
    assert fast == slow
