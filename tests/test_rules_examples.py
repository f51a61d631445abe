"""Every rule's own examples (``examples.should_flag`` / ``should_not_flag`` in data/rules/*.yaml) hold."""

from __future__ import annotations

import pytest

import docscan
from docscan.config import Config
from docscan.detect.rules import load_rules

CFG = Config(use_model=False)
RULES = load_rules().rules
FLAG = [(r.id, ex) for r in RULES for ex in r.examples["should_flag"]]
NOFLAG = [(r.id, r.category, t) for r in RULES for t in r.examples["should_not_flag"]]


def test_every_rule_has_examples():
    for r in RULES:
        assert r.examples["should_flag"], f"{r.id} has no should_flag example"
        assert r.examples["should_not_flag"], f"{r.id} has no should_not_flag example"


@pytest.mark.parametrize(("rule_id", "example"), FLAG, ids=[f"{i}:{e['text'][:12]}" for i, e in FLAG])
def test_should_flag(rule_id, example):
    rep = docscan.scan(text=example["text"], config=CFG)
    hits = [f for f in rep.findings if rule_id in f.rules]
    assert hits, f"{rule_id} did not fire on {example['text']!r}: {[(f.rule, f.text) for f in rep.findings]}"
    span = example.get("span")
    if span:
        assert any(span in f.text or f.text in span for f in hits), (span, [f.text for f in hits])
    for f in hits:
        assert example["text"][f.start:f.end] == f.text  # offsets index the text


@pytest.mark.parametrize(("rule_id", "category", "text"), NOFLAG, ids=[f"{i}:{t[:12]}" for i, _, t in NOFLAG])
def test_should_not_flag(rule_id, category, text):
    rep = docscan.scan(text=text, config=CFG)
    assert not [f for f in rep.findings if f.category == category], [(f.rule, f.text) for f in rep.findings]
