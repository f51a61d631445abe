"""Rule quality on the labelled corpus's ``test`` split (tuned on train/dev only).

Sentence level: an item is predicted positive for category c when any finding of c lies in it. The brief's
targets are core macro-F1 >= 0.90 and <= 5 % of negative sentences flagged. The negative-rate target is met and
asserted; the F1 target is not met yet, so it is an xfail (the floor below guards against regressions).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from docscan.config import Config

CORPUS = Path(__file__).resolve().parents[1] / "corpora"
if not (CORPUS / "data").is_dir() or not any((CORPUS / "data").glob("*.jsonl")):
    pytest.skip("labelled corpus corpora/data/*.jsonl is absent", allow_module_level=True)


@pytest.fixture(scope="module")
def scores():
    from docscan.detect.evaluate import load_items, predict, score

    items = load_items(CORPUS, "test")
    if len(items) < 100:
        pytest.skip(f"test split too small ({len(items)} items)")
    return score(items, predict(items, Config(use_model=False)))


def test_negatives_rarely_flagged(scores):
    assert scores["negatives_flagged_rate"] <= 0.05, scores["negatives_by_kind"]


def test_core_macro_f1_floor(scores):
    # regression floor at the level reached when this test was written (see the report / evaluate output)
    assert scores["core_macro_f1"] >= 0.815, scores["per_category"]  # measured 0.821 on test (wave 4, audited corpus)


@pytest.mark.xfail(reason="target core macro-F1 0.90 not reached by the rules alone yet", strict=False)
def test_core_macro_f1_target(scores):
    assert scores["core_macro_f1"] >= 0.90
