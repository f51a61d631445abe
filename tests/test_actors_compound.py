"""Compound nouns: an actor name inside a longer noun is not the clause's subject (the head of the noun is).

Sentences are our own. Checked through the public API: the detected actor of each clause and finding, and the
duty matrix row's actor.
"""

from __future__ import annotations

import pytest

import docscan
from docscan.config import Config
from docscan.detect import detect

RULES = Config(use_model=False)


def _clause(sentence: str):
    doc = docscan.extract(text=sentence)
    det = detect(doc, RULES)
    assert det.clauses, sentence
    return det


def test_name_inside_a_chat_group_is_no_subject():
    det = _clause("困难群众帮扶工作群每天要发布工作动态。")
    c = det.clauses[0]
    assert c.actor != "群众" and c.actor_level != "other"
    # the demand is no longer read as one on the public: it is a digital-formalism finding
    assert any(f.category == "digital_formalism" for f in det.findings)


def test_subject_before_a_chat_group_name_is_kept():
    det = _clause("各村要每天在困难群众帮扶工作群内打卡签到。")
    assert det.clauses[0].actor == "各村"
    # and a name that is the subject, followed by the predicate, stays the subject
    det = _clause("村民要按时在业主群里回复消息。")
    assert det.clauses[0].actor == "村民"


def test_institution_after_a_place_name_is_one_actor():
    det = _clause("乡镇卫生院每月要报送公共卫生服务台账。")
    assert det.clauses[0].actor == "乡镇卫生院"
    report = docscan.scan(text="乡镇卫生院每月要报送公共卫生服务台账。", config=RULES)
    rows = report.analysis["duties"]["rows"]
    assert rows and rows[0]["actor"] == "乡镇卫生院" and rows[0]["level"] == "grassroots"


def test_role_title_extends_the_name():
    det = _clause("村民小组长每月要填报人口变动台账。")
    assert det.clauses[0].actor == "村民小组长"
    f = next(f for f in det.findings if f.category == "ledger_demand")
    assert f.actor == "村民小组长"
    assert not f.text.startswith("长")  # the span no longer starts inside the title


@pytest.mark.parametrize("sentence", ["群众工作站每周要上报矛盾纠纷排查表。", "居民服务中心每月要报送工作台账。"])
def test_service_point_is_not_the_public(sentence):
    det = _clause(sentence)
    assert det.clauses[0].actor_level != "other"


def test_coordinated_people_are_not_merged():
    # 干部群众: two groups side by side, not a compound; the first one stays the subject
    det = _clause("村干部群众要每周参加一次集中学习。")
    assert det.clauses[0].actor == "村干部"


@pytest.mark.parametrize("sentence", ["农村居民每月向镇政府报送收入情况。", "农村居民要每月报送收入台账。"])
def test_rural_residents_are_the_public_not_a_village(sentence):
    # neither 村居 inside 农村居民 nor a 村…政府 name spanning a verb phrase makes this a grassroots unit
    det = _clause(sentence)
    assert det.clauses[0].actor_level == "other"
    assert not [f for f in det.findings if f.category == "ledger_demand"]


def test_town_office_name_still_resolves():
    det = _clause("各镇农业服务中心每月报送台账。")
    assert det.clauses[0].actor == "各镇农业服务中心" and det.clauses[0].actor_level == "grassroots"
