"""A command verb's grassroots object is the obligated party of what follows (兼语 construction)."""

from __future__ import annotations

import pytest

import docscan


def cats(text: str) -> set[str]:
    return {f.category for f in docscan.scan(text=text, model="none").findings}


@pytest.mark.parametrize("text", [
    "县农业农村局要求各乡镇每周五前报送秸秆禁烧巡查台账。",
    "县应急局督促各乡镇每周报送隐患排查台账。",
    "县里要求各村每天上传巡查照片。",
])
def test_command_to_grassroots_is_a_demand_on_them(text):
    assert "ledger_demand" in cats(text)


@pytest.mark.parametrize("text", [
    "市里曾要求各乡镇每周报送台账，导致基层负担过重。",  # narrated past practice: a critique
    "除发生突发事件外，县直部门要求乡镇报送材料的，报送时限一般不少于5个工作日。",  # a topic, not a command
    "县政府要求各乡镇不得要求村里重复报送台账。",  # the command is a prohibition
])
def test_narrated_conditional_or_prohibited_commands_are_not(text):
    assert cats(text) == set()


def test_upper_body_keeps_its_own_duty_without_a_command_verb():
    from docscan.detect.actors import find_mentions, pick_subject

    text = "县财政局于3月底前向各乡镇下拨资金200万元。"
    s = text.index("县财政局")
    g = text.index("各乡镇")
    subj = pick_subject(find_mentions(text, 0, [(s, s + 4, "upper"), (g + 1, g + 3, "grassroots")]))
    assert subj is not None and subj.text == "县财政局"


def test_a_mention_inside_a_de_modifier_is_not_the_subject():
    # 企业 modifies 问题; the township must act within 24 hours
    assert "deadline_pressure" in cats("企业反映的问题乡镇须在24小时内响应，并报送办理台账。")
    # ...but a preposition opens an object phrase, not a modifier: 帮扶干部 stays the subject
    from docscan.detect.actors import find_mentions, pick_subject

    text = "每名帮扶干部对所帮扶的农户负总责。"
    a, b = text.index("帮扶干部"), text.index("农户")
    subj = pick_subject(find_mentions(text, 0, [(a, a + 4, "grassroots"), (b, b + 2, "other")]))
    assert subj is not None and subj.text == "帮扶干部"
