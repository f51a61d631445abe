"""Rules + model fusion logic (docscan.learn.fuse) with a stub model: agree, weak veto, model-only, disable."""

from __future__ import annotations

import numpy as np
import pytest

from docscan.config import Config
from docscan.detect import Detection
from docscan.learn.fuse import CATS, apply, decide
from docscan.pipeline import extract_document
from docscan.report import Finding

TEXT = "各村每周报送工作台账。县里每月开展督查。今年全县工作总体平稳。"


class StubModel:
    """Probabilities fixed per sentence; clause scoring favours the clause containing 督查."""

    def __init__(self, table: dict[int, dict[str, float]], n: int) -> None:
        self.table, self.n = table, n
        self.high = np.full(len(CATS), 0.8)
        self.low = np.full(len(CATS), 0.2)
        self.weak_conf = 0.6
        self.agree = 0.5

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), len(CATS)))
        for i, t in enumerate(texts):
            if "督查" in t:
                out[i, CATS.index("repeated_inspection")] = 0.9
        return out


def probs_for(doc, table):
    p = np.zeros((len(doc.sentences), len(CATS)))
    for s, row in table.items():
        for c, v in row.items():
            p[s, CATS.index(c)] = v
    return p


def finding(doc, needle, cat, conf, flags=()):
    start = doc.text.index(needle)
    return Finding(category=cat, severity="medium", confidence=conf, start=start, end=start + len(needle),
                   text=needle, sentence="", rule=f"test.{cat}", flags=list(flags))


@pytest.fixture()
def doc():
    d = extract_document("<t>", Config(), text=TEXT)
    assert len(d.sentences) == 3
    return d


def test_agreement_raises_confidence_and_marks_source(doc):
    det = Detection(findings=[finding(doc, "每周报送工作台账", "ledger_demand", 0.7)])
    probs = probs_for(doc, {0: {"ledger_demand": 0.9}})
    out = apply(doc, det, probs, StubModel({}, 3), Config())
    (f,) = out.findings
    assert f.source == "rule+model"
    assert f.confidence > 0.7


def test_weak_rule_vetoed_only_when_model_strongly_disagrees(doc):
    weak = finding(doc, "每周报送工作台账", "ledger_demand", 0.4)
    strong = finding(doc, "每周报送工作台账", "ledger_demand", 0.9)
    flagged = finding(doc, "每周报送工作台账", "ledger_demand", 0.95, flags=["weak"])
    low = probs_for(doc, {0: {"ledger_demand": 0.05}})
    assert apply(doc, Detection(findings=[weak]), low, StubModel({}, 3), Config()).findings == []
    assert apply(doc, Detection(findings=[flagged]), low, StubModel({}, 3), Config()).findings == []
    kept = apply(doc, Detection(findings=[strong]), low, StubModel({}, 3), Config()).findings
    assert [f.source for f in kept] == ["rule"]
    mid = probs_for(doc, {0: {"ledger_demand": 0.3}})  # above low: weak rule kept, but not "agreeing"
    kept = apply(doc, Detection(findings=[weak]), mid, StubModel({}, 3), Config()).findings
    assert [f.source for f in kept] == ["rule"]


def _demand_on(doc, i, level="grassroots"):
    """A Detection whose rule layer read sentence i as a demand (the gate model-only findings need)."""
    from docscan.detect import ClauseInfo

    s = doc.sentences[i]
    return Detection(clauses=[ClauseInfo(start=s.start, end=s.end, sentence=i, polarity="demand", actor_level=level)])


def test_model_only_not_where_the_rules_read_a_critique_or_a_demand_on_businesses(doc):
    probs = probs_for(doc, {1: {"repeated_inspection": 0.93}})
    # no reading at all: the model may speak (a paraphrase no rule knows), marked model-only
    assert [f.source for f in apply(doc, Detection(), probs, StubModel({}, 3), Config()).findings] == ["model"]
    critique = _demand_on(doc, 1)
    critique.clauses[0].polarity = "critique"
    assert apply(doc, critique, probs, StubModel({}, 3), Config()).findings == []
    on_business = _demand_on(doc, 1, level="other")
    assert apply(doc, on_business, probs, StubModel({}, 3), Config()).findings == []
    commentary = _demand_on(doc, 1)
    commentary.doc_prior = "commentary"
    assert apply(doc, commentary, probs, StubModel({}, 3), Config()).findings == []


def test_no_model_only_in_whole_documents():
    """A directive with a 公文 header is a whole document: the model confirms or vetoes, it adds nothing alone."""
    whole = extract_document("<t>", Config(), text="关于做好环境整治工作的通知\n各乡镇人民政府：\n" + TEXT)
    assert whole.metadata.title and len(whole.sentences) >= 3
    i = next(k for k, s in enumerate(whole.sentences) if "督查" in whole.text[s.start : s.end])
    probs = probs_for(whole, {i: {"repeated_inspection": 0.95}})
    assert apply(whole, _demand_on(whole, i), probs, StubModel({}, len(whole.sentences)), Config()).findings == []


def test_model_only_finding(doc):
    probs = probs_for(doc, {1: {"repeated_inspection": 0.93}, 2: {"vague_duty": 0.5}})
    out = apply(doc, _demand_on(doc, 1), probs, StubModel({}, 3), Config()).findings
    assert len(out) == 1
    f = out[0]
    assert (f.category, f.source, f.rule) == ("repeated_inspection", "model", "model.repeated_inspection")
    assert "督查" in f.text and doc.text[f.start : f.end] == f.text
    assert f.sentence == "县里每月开展督查。"
    assert "没有规则" in f.message
    en = apply(doc, _demand_on(doc, 1), probs, StubModel({}, 3), Config(lang="en")).findings[0]
    assert "no rule" in en.message


def test_model_only_respects_disable(doc):
    probs = probs_for(doc, {1: {"repeated_inspection": 0.93}})
    cfg = Config(disable=("repeated_inspection",))
    assert apply(doc, _demand_on(doc, 1), probs, StubModel({}, 3), cfg).findings == []


def test_no_model_only_where_a_rule_already_reports(doc):
    det = Detection(findings=[finding(doc, "每月开展督查", "repeated_inspection", 0.8)])
    probs = probs_for(doc, {1: {"repeated_inspection": 0.95}})
    out = apply(doc, det, probs, StubModel({}, 3), Config()).findings
    assert [f.source for f in out] == ["rule+model"]


def test_decide_matches_rules():
    strong = np.array([[True], [False], [False], [False]])
    weak = np.array([[False], [True], [True], [False]])
    p = np.array([[0.0], [0.1], [0.5], [0.95]])
    d = decide(strong, weak, p, np.array([0.9]), np.array([0.2]))
    assert d[:, 0].tolist() == [True, False, True, True]


# -- stacked fusion (docscan.learn.stack) ------------------------------------------------------------------
def _stacked(weights: dict[str, float], bias: float = 0.0, threshold: float = 0.5, override: float = 1.01) -> StubModel:
    """A stub model whose stacker uses the given feature weights for every category."""
    from docscan.learn.stack import FEATURES, STACK_FORMAT, Stacker

    coef = [weights.get(name, 0.0) for name in FEATURES]
    m = StubModel({}, 3)
    m.stacker = Stacker({"format": STACK_FORMAT, "features": list(FEATURES), "coef": {c: coef for c in CATS},
                         "intercept": {c: bias for c in CATS}, "threshold": {c: threshold for c in CATS},
                         "override": override})
    return m


def test_stacker_vetoes_a_rule_finding_the_evidence_rejects(doc):
    rule = finding(doc, "每周报送工作台账", "ledger_demand", 0.9)
    model = _stacked({"logit_p": 1.0})  # q = p: the stack follows the model's probability
    low = probs_for(doc, {0: {"ledger_demand": 0.1}})
    assert apply(doc, Detection(findings=[rule]), low, model, Config()).findings == []
    high = probs_for(doc, {0: {"ledger_demand": 0.8}})
    kept = apply(doc, Detection(findings=[finding(doc, "每周报送工作台账", "ledger_demand", 0.7)]), high, model,
                 Config()).findings
    assert [(f.source, f.confidence) for f in kept] == [("rule+model", 0.8)]


def test_stacker_weighs_the_rules_reading(doc):
    """The same model probability, read by the rules as a critique, is rejected; as a grassroots demand, kept."""
    probs = probs_for(doc, {1: {"repeated_inspection": 0.6}})
    model = _stacked({"logit_p": 1.0, "critique": -3.0, "demand_grassroots": 1.0})
    demand = _demand_on(doc, 1)
    out = apply(doc, demand, probs, model, Config()).findings
    assert [(f.category, f.source) for f in out] == [("repeated_inspection", "model")]
    critique = _demand_on(doc, 1)
    critique.clauses[0].polarity = "critique"
    assert apply(doc, critique, probs, model, Config()).findings == []


def test_stacker_adds_nothing_alone_in_whole_documents():
    whole = extract_document("<t>", Config(), text="关于做好环境整治工作的通知\n各乡镇人民政府：\n" + TEXT)
    i = next(k for k, s in enumerate(whole.sentences) if "督查" in whole.text[s.start : s.end])
    probs = probs_for(whole, {i: {"repeated_inspection": 0.99}})
    assert apply(whole, _demand_on(whole, i), probs, _stacked({"logit_p": 1.0}), Config()).findings == []
    # not even a model past the override: that is for a short passage only
    assert apply(whole, _demand_on(whole, i), probs, _stacked({"logit_p": 1.0}, override=0.9), Config()).findings == []


def test_a_very_sure_model_overrides_the_rules_reading_in_a_passage(doc):
    """In a passage the rules read as a critique the stacker rejects the model; past ``override`` it reports."""
    model = _stacked({"logit_p": 1.0, "critique": -5.0}, override=0.9)
    critique = _demand_on(doc, 1)
    critique.clauses[0].polarity = "critique"
    sure = probs_for(doc, {1: {"repeated_inspection": 0.95}})
    out = apply(doc, critique, sure, model, Config()).findings
    assert [(f.category, f.source, f.confidence) for f in out] == [("repeated_inspection", "model", 0.95)]
    unsure = probs_for(doc, {1: {"repeated_inspection": 0.85}})
    assert apply(doc, critique, unsure, model, Config()).findings == []
    assert apply(doc, critique, sure, _stacked({"logit_p": 1.0, "critique": -5.0}), Config()).findings == []


def test_stacker_with_another_feature_list_is_refused():
    from docscan.errors import DocscanError
    from docscan.learn.stack import FEATURES, STACK_FORMAT, Stacker

    spec = {"format": STACK_FORMAT, "features": list(FEATURES)[:-1], "coef": {}, "intercept": {}, "threshold": {}}
    with pytest.raises(DocscanError) as e:
        Stacker(spec)
    assert e.value.code == "bad_model"
