"""corpora/docs_test: the held-out whole-document TEST set — label-file checks only (never scans the documents).

The same checks ``test_corpus_docs.py`` makes on the development set, through the same validators of
``docscan.learn.doceval`` (``label_problems``, ``load_labels``, ``document_units``: none of them scans).
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest

from docscan.learn import doceval
from docscan.learn.corpus import corpus_files
from docscan.report import CATEGORIES

ROOT = Path(__file__).resolve().parents[1] / "corpora"
TEST_DOCS = ROOT / "docs_test"
N_DOCS = 14


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    f = TEST_DOCS / doceval.LABELS_FILE
    if not f.is_file():
        pytest.skip("corpora/docs_test is absent")
    return [json.loads(line) for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def texts(rows) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(TEST_DOCS.glob("*.txt"))}


def test_every_gold_text_occurs_exactly_once_in_its_document(rows, texts):
    assert len(texts) == N_DOCS
    for r in rows:
        assert r["doc"] in texts, r
        assert texts[r["doc"]].count(r["text"]) == 1, r
        assert "\n" not in r["text"] and r["text"] == r["text"].strip(), r
    assert {r["doc"] for r in rows} == set(texts)  # every document has at least one label line


def test_labels_use_contract_ids_and_kinds_and_demand_iff_labels(rows):
    for r in rows:
        assert list(r) == ["doc", "text", "kind", "labels"], r
        assert doceval.label_problems(r) == [], r
        assert len(set(r["labels"])) == len(r["labels"]), r
    assert {r["kind"] for r in rows} == set(doceval.KINDS)
    assert {lab for r in rows for lab in r["labels"]} == set(CATEGORIES)


def test_gold_sentences_place_on_single_lines_without_overlap(rows, texts):
    gold = doceval.load_labels(TEST_DOCS)  # raises bad_corpus on a malformed row
    for name in texts:
        units = doceval.document_units(TEST_DOCS / name, gold[name])
        labelled = [u for u in units if u.kind != doceval.UNLABELLED]
        assert len(labelled) == len(gold[name])
        spans = sorted((u.line, u.start, u.end) for u in labelled)
        for (la, _, ea), (lb, sb, _) in itertools.pairwise(spans):
            assert la != lb or ea <= sb, (name, la)


def test_documents_are_whole_documents_of_the_briefed_size(texts):
    for name, text in texts.items():
        assert re.fullmatch(r"\d\d_[a-z_]+\.txt", name), name
        assert 1200 <= len(re.sub(r"\s", "", text)) <= 3500, name


def test_the_sentence_corpus_tools_do_not_pick_up_the_test_documents():
    if not (ROOT / "data").is_dir():
        pytest.skip("corpora/data is absent")
    assert all("docs_test" not in f.parts for f in corpus_files(ROOT))
