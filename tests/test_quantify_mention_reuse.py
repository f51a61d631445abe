"""quantify's clause facts take the engine's actor mentions over where the clause windows coincide; the result is
the same as finding them again."""

from __future__ import annotations

import dataclasses

import docscan
from docscan.config import Config
from docscan.detect import detect
from docscan.quantify import facts, quantify

TEXT = (
    "各乡镇（街道）要建立秸秆禁烧工作台账，每周五12时前将进展情况报县农业农村局，3个工作日内完成整改。\n"
    "县专项办每月暗访一次，对问题突出的乡镇予以通报，纳入年度考核。\n"
    "各村（社区）须于6月30日前将纸质版和电子版材料报镇政府备查，并签字盖章。\n"
    "县住建局加强业务指导，各乡镇落实属地责任，网格员每日在群内打卡。\n"
)
RULES = Config(use_model=False)
doc = docscan.extract(text=TEXT)


def _quantify(det):
    facts._last.slot = None  # no facts kept from an earlier build for this document
    return quantify(doc, det, RULES)


def _mentions(det):
    facts._last.slot = None
    f = facts.build(doc, det)
    return [(c.start, [(m.start, m.end, m.text, m.level, m.is_object, m.is_agent) for m in c.mentions])
            for c in f.clauses]


def test_detection_hands_over_clause_mentions():
    det = detect(doc, RULES)
    assert det.mentions, "the engine's mentions per clause window"
    start, (text, mentions) = next(iter(det.mentions.items()))
    assert doc.text.startswith(text, start)
    assert all(start <= m.start < start + len(text) for m in mentions)


def test_same_facts_and_analysis_with_and_without_handed_mentions():
    det = detect(doc, RULES)
    bare = dataclasses.replace(det, mentions=None)
    assert _mentions(det) == _mentions(bare)
    assert _quantify(det) == _quantify(bare)


def test_a_window_whose_name_pattern_found_an_actor_is_not_handed_over():
    # 镇政府 is found by a name pattern, not the automaton's terms: facts finds that clause's mentions itself
    det = detect(doc, RULES)
    i = TEXT.index("报镇政府备查")
    assert not any(s <= i < s + len(t) for s, (t, _) in det.mentions.items())


def test_mentions_for_another_text_are_not_reused():
    det = detect(doc, RULES)
    other = docscan.extract(text="县农业农村局每月检查一次。各村须每周报送台账。")
    wrong = dataclasses.replace(det, mentions=detect(other, RULES).mentions)
    assert _mentions(wrong) == _mentions(dataclasses.replace(det, mentions=None))
