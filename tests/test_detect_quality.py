"""Rule quality on the labelled corpus's in-domain ``test`` split (rules tuned on train/dev only).

The same evaluation as ``docscan evaluate --mode rules test`` (and ``make eval``): an item is predicted positive for
category c when any rule finding of c lies in one of its sentences. Issue 3's targets are core macro-F1 >= 0.90 and
<= 5 % of negative items flagged. The negative-rate target is met and asserted; the F1 target is not met yet, so it
is an xfail and a floor guards against regressions. The topic-held-out items have their own floor.
"""

from __future__ import annotations

from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[1] / "corpora"
if not (CORPUS / "data").is_dir() or not any((CORPUS / "data").glob("*.jsonl")):
    pytest.skip("labelled corpus corpora/data/*.jsonl is absent", allow_module_level=True)


def _rules(split: str) -> dict:
    from docscan.learn.evaluate import evaluate_model

    return evaluate_model(None, str(CORPUS), split, modes=("rules",))["modes"]["rules"]


@pytest.fixture(scope="module")
def test_scores():
    return _rules("test")


@pytest.fixture(scope="module")
def heldout_scores():
    return _rules("heldout")


def test_negatives_rarely_flagged(test_scores, heldout_scores):
    assert test_scores["negatives_flagged"] <= 0.05, test_scores["negatives_flagged_by_kind"]
    assert heldout_scores["negatives_flagged"] <= 0.05, heldout_scores["negatives_flagged_by_kind"]


def test_core_macro_f1_floor(test_scores, heldout_scores):
    # regression floors at the level reached when this test was last updated (make eval prints the figures)
    assert test_scores["core_macro_f1"] >= FLOOR_TEST, test_scores["per_category"]
    assert heldout_scores["core_macro_f1"] >= FLOOR_HELDOUT, heldout_scores["per_category"]


@pytest.mark.xfail(reason="issue 3 target core macro-F1 0.90 on test not reached by the rules alone", strict=False)
def test_core_macro_f1_target(test_scores):
    assert test_scores["core_macro_f1"] >= 0.90


FLOOR_TEST = 0.815  # measured 0.819 (wave 5 class rules; macro 0.852, negatives 1.9 %)
FLOOR_HELDOUT = 0.890  # measured 0.895 (wave 5)
