"""The first-character prefilter finds exactly what ``finditer`` finds, for every shipped whole-text pattern."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from docscan.detect.prefilter import Finder, compile_gated, compile_scanner, first_chars

ROOT = Path(__file__).resolve().parents[1]


def _text() -> str:
    example = "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").glob("*.txt")))
    extra = ("查看台账资料，检查原始记录。要求各村于3日内报送；不得要求乡镇重复填报。有的村存在问题了。"
             "每周一12时前报镇党政办备查，当天下班前回复，24小时内完成，次日上报，6月30日前完成整改。"
             "县里将每月抽查两个乡镇，随机抽取三个村。《人民日报》报道了。")
    return example * 10 + extra * 20


def _shipped_patterns() -> list[re.Pattern[str]]:
    from docscan.detect import frequency
    from docscan.detect.engine import get_engine
    from docscan.quantify import facts, regulations

    out = [rx for _, _, rx in get_engine((), ()).regexes]
    out += [rx for _, rx in frequency._PATTERNS] + [frequency._NEWS] + [rx for _, rx in frequency._DL]
    out += [c["_rx"] for c in regulations._checks()[0] if c.get("_rx") is not None]
    out += [v for v in facts._regexes().values() if isinstance(v, re.Pattern)]
    return out


def test_every_shipped_pattern_matches_the_same():
    text = _text()
    pats = _shipped_patterns()
    assert len(pats) > 50
    prefiltered = 0
    for rx in pats:
        scan = compile_scanner(rx)
        prefiltered += scan != rx.finditer
        want = [(m.start(), m.end(), m.groups()) for m in rx.finditer(text)]
        assert [(m.start(), m.end(), m.groups()) for m in scan(text)] == want, rx.pattern
        assert [(m.start(), m.end()) for m in Finder(rx)(text)] == [(s, e) for s, e, _ in want], rx.pattern
        gated = compile_gated(rx)
        if gated is not None:
            assert [(m.start(), m.end(), m.groups()) for m in gated(text)] == want, rx.pattern
    assert prefiltered > len(pats) // 2  # most patterns do get a prefilter


@pytest.mark.parametrize(("pattern", "text"), [
    (r"(?<![作关])要求", "工作要求，要求各村，关要求"),  # lookbehind sees the text before the candidate
    (r"(?:^|(?<=[，。]))(?:有的|一些)村", "有的村，一些村。一些村不"),  # ^ stays the real start
    (r"报(?=[镇县])|交", "报镇报县报市交"),
    (r"每(?:个)?(月|周)[0-9]+日", "每月5日每个周12日每年1日"),
    (r"[0-9]+分钟", "5分钟5分钟"),  # adjacent matches: the next search starts at the previous end
])
def test_scanner_equals_finditer(pattern, text):
    rx = re.compile(pattern)
    scan = compile_scanner(rx)
    assert scan != rx.finditer
    assert [m.span() for m in scan(text * 3)] == [m.span() for m in rx.finditer(text * 3)]
    gated = compile_gated(rx)
    assert gated is not None
    assert [m.span() for m in gated(text * 3)] == [m.span() for m in rx.finditer(text * 3)]


def test_gate_needs_known_first_characters_and_an_embeddable_pattern():
    assert compile_gated(re.compile(r"[^a]b")) is None
    assert compile_gated(re.compile(r"(?s)ab.")) is None  # a global flag cannot go inside the gate


@pytest.mark.parametrize("pattern", [r"a*", r"(?i)ab", r".b", r"[^a]b", r"\wb", r"(?:x|)"])
def test_unknown_or_nullable_patterns_keep_finditer(pattern):
    rx = re.compile(pattern)
    assert first_chars(rx.pattern, rx.flags) is None
    assert compile_scanner(rx) == rx.finditer


def test_searcher_equals_search_on_sentences():
    from docscan.detect.prefilter import compile_searcher

    sentences = re.split(r"(?<=[。；\n])", _text())
    for rx in _shipped_patterns():
        search = compile_searcher(rx)
        for s in sentences[:400]:
            a, b = rx.search(s), search(s)
            assert (a and (a.span(), a.groups())) == (b and (b.span(), b.groups())), (rx.pattern, s)


@pytest.mark.parametrize(("pattern", "chars"), [
    (r"[^，。]{1,8}(?:多|滥)、[^，。]{1,8}多", {"、", "多"}),
    (r"存在[^，。]{0,9}(?:问题|现象)", {"存", "在"}),
    (r"问题|现象", set()),  # nothing one alternative needs the other does too
    (r"(?<!不)要求?", {"要"}),
])
def test_required_chars(pattern, chars):
    from docscan.detect.prefilter import required_chars

    assert required_chars(pattern) == chars


def test_compile_any_equals_alternation_search():
    from docscan.detect.lexicon import polarity_markers
    from docscan.detect.prefilter import compile_any

    sentences = [*re.split(r"(?<=[。；\n])", _text()), "有的村多、有的村滥", "村里多、滥填表", "存在问题", "反映", "、"]
    for key in ("critique_regex", "demand_regex"):
        pats = [p.lstrip("^") for p in polarity_markers().get(key) or []]
        alternation = re.compile("|".join(f"(?:{p})" for p in pats))
        has = compile_any(pats)
        assert [has(s) for s in sentences] == [bool(alternation.search(s)) for s in sentences], key
    assert compile_any([r"[^，]{1,3}多、"])("事多、") and not compile_any([r"[^，]{1,3}多、"])("事多")
