"""corpora/docs: whole synthetic documents with gold sentence labels, and the document-level evaluator."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from docscan.errors import DocscanError
from docscan.learn import doceval
from docscan.report import CATEGORIES, Finding

DOCS = Path(__file__).resolve().parents[1] / "corpora" / "docs"


def _rows() -> list[dict]:
    return [json.loads(line) for line in (DOCS / "labels.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def rows():
    if not (DOCS / "labels.jsonl").is_file():
        pytest.skip("corpora/docs is absent")
    return _rows()


def test_every_gold_text_occurs_exactly_once_in_its_document(rows):
    texts = {p.name: p.read_text(encoding="utf-8") for p in DOCS.glob("*.txt")}
    assert len(texts) == 16
    for r in rows:
        assert r["doc"] in texts, r
        assert texts[r["doc"]].count(r["text"]) == 1, r
        assert "\n" not in r["text"] and r["text"] == r["text"].strip(), r
    assert {r["doc"] for r in rows} == set(texts)


def test_labels_use_contract_ids_and_kinds_and_demand_iff_labels(rows):
    for r in rows:
        assert list(r) == ["doc", "text", "kind", "labels"], r
        assert r["kind"] in doceval.KINDS, r
        assert all(lab in CATEGORIES for lab in r["labels"]), r
        assert len(set(r["labels"])) == len(r["labels"]), r
        assert (r["kind"] == "demand") == bool(r["labels"]), r
        assert doceval.label_problems(r) == []
    kinds = {r["kind"] for r in rows}
    assert kinds == set(doceval.KINDS)
    assert {lab for r in rows for lab in r["labels"]} == set(CATEGORIES)


def test_documents_are_whole_documents_of_the_briefed_size():
    for p in sorted(DOCS.glob("*.txt")):
        n = len(re.sub(r"\s", "", p.read_text(encoding="utf-8")))
        assert 1200 <= n <= 3500, (p.name, n)


def test_label_problems_catch_bad_rows():
    ok = {"doc": "a.txt", "text": "各村每周报送台账。", "kind": "demand", "labels": ["ledger_demand"]}
    assert doceval.label_problems(ok) == []
    assert doceval.label_problems({**ok, "kind": "neutral"})  # labels without demand
    assert doceval.label_problems({**ok, "labels": []})  # demand without labels
    assert doceval.label_problems({**ok, "labels": ["ledger"]})  # not a contract id
    assert doceval.label_problems({**ok, "kind": "demands"})
    assert doceval.label_problems({"doc": "a.txt"})


def _write(d: Path, docs: dict[str, str], rows: list[dict]) -> None:
    for name, text in docs.items():
        (d / name).write_text(text, encoding="utf-8")
    (d / "labels.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def test_gold_text_that_is_not_unique_is_refused(tmp_path):
    _write(tmp_path, {"a.txt": "各村要报送台账。\n各村要报送台账。\n"},
           [{"doc": "a.txt", "text": "各村要报送台账。", "kind": "demand", "labels": ["ledger_demand"]}])
    with pytest.raises(DocscanError) as e:
        doceval.evaluate_docs(tmp_path, ("rules",))
    assert e.value.code == "bad_corpus"


def test_units_and_finding_mapping_go_through_the_offset_map(tmp_path):
    """A Traditional line normalizes to Simplified with a different layout; a finding is still placed on the
    raw sentence it came from, and the rest of the file becomes unlabelled sentences."""
    import docscan

    text = "關於報送材料的通知\n\n各村：\n　　請各村加強宣傳。各鄉鎮每週五前報送臺賬。\n"
    p = tmp_path / "t.txt"
    p.write_text(text, encoding="utf-8")
    gold = [{"doc": "t.txt", "text": "各鄉鎮每週五前報送臺賬。", "kind": "demand", "labels": ["ledger_demand"]}]
    units = doceval.document_units(p, gold)
    assert [(u.line, u.text, u.kind) for u in units] == [
        (1, "關於報送材料的通知", "unlabelled"), (3, "各村：", "unlabelled"),
        (4, "請各村加強宣傳。", "unlabelled"), (4, "各鄉鎮每週五前報送臺賬。", "demand")]
    doc = docscan.extract(p)
    k = doc.text.index("报送台账")
    f = Finding(category="ledger_demand", severity="medium", confidence=0.9, start=k, end=k + 4, text="报送台账",
                sentence="", rule="test")
    (ui, _), = doceval.map_findings(doc, [f], units)
    assert units[ui].kind == "demand"


def _finding(cat: str, conf: float = 0.8) -> Finding:
    return Finding(category=cat, severity="low", confidence=conf, start=0, end=1, text="x", sentence="x", rule="t")


def test_score_runs_on_a_hand_made_case_with_known_precision_and_recall():
    U = doceval.Unit
    units = [U("a", 1, 0, 5, "s0", "demand", ["ledger_demand"]),
             U("a", 2, 0, 5, "s1", "demand", ["ledger_demand", "repeated_inspection"]),
             U("a", 3, 0, 5, "s2", "neutral"),
             U("a", 4, 0, 5, "s3", "unlabelled")]
    mapped = [(0, _finding("ledger_demand")), (0, _finding("ledger_demand")),  # two findings, one sentence: 1 TP
              (2, _finding("repeated_inspection", 0.9)), (3, _finding("ledger_demand", 0.5))]
    run = {"doc": "a", "units": units, "mapped": {"rules": mapped}}
    res = doceval.score_runs([run], ("rules",), n_errors=5)
    r = res["modes"]["rules"]
    led, ins = r["per_category"]["ledger_demand"], r["per_category"]["repeated_inspection"]
    assert (led["tp"], led["fp"], led["fn"]) == (1, 1, 1)
    assert led["precision"] == 0.5 and led["recall"] == 0.5
    assert (ins["tp"], ins["fp"], ins["fn"]) == (0, 1, 1) and ins["f1"] == 0.0
    assert r["negatives"] == 2 and r["negatives_flagged"] == 1.0
    assert r["micro_f1"] == pytest.approx(1 / 3, abs=1e-4)  # TP 1, FP 2, FN 2
    assert r["findings"] == 4 and r["per_document"][0]["outside_labelled"] == 1
    errs = r["worst_errors"]
    assert errs["false_alarms"][0]["category"] == "repeated_inspection"  # the surest false alarm first
    assert errs["misses"][0]["id"] == "a:2" and {e["category"] for e in errs["misses"]} == {
        "ledger_demand", "repeated_inspection"}


def test_evaluator_runs_on_a_two_document_copy_and_its_output_parses(tmp_path, rows, capsys):
    keep = ["d01_county_flood_notice.txt", "d12_typical_cases_bulletin.txt"]
    for name in keep:
        shutil.copy(DOCS / name, tmp_path / name)
    _write(tmp_path, {}, [r for r in rows if r["doc"] in keep])
    out_json = tmp_path / "res.json"
    assert doceval.main([str(tmp_path), "--mode", "rules", "--errors", "3", "--json", str(out_json)]) == 0
    printed = capsys.readouterr().out
    res = json.loads(out_json.read_text(encoding="utf-8"))
    assert res["documents"] == 2
    r = res["modes"]["rules"]
    assert set(r["per_category"]) == set(CATEGORIES)
    assert 0.0 <= r["core_macro_f1"] <= 1.0 and 0.0 <= r["negatives_flagged"] <= 1.0
    assert [p["doc"] for p in r["per_document"]] == keep
    assert sum(p["findings"] for p in r["per_document"]) == r["findings"]
    # the demands of the notice are gold; the 通报 has none
    assert r["per_document"][0]["demand_sentences"] > 0 and r["per_document"][1]["demand_sentences"] == 0
    row = next(line for line in printed.splitlines() if line.startswith("| docs | rules |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert float(cells[-2]) == pytest.approx(r["core_macro_f1"], abs=1e-3)
    # deterministic: a second run gives the same figures
    assert doceval.main([str(tmp_path), "--mode", "rules", "--json", str(out_json)]) == 0
    assert json.loads(out_json.read_text(encoding="utf-8"))["modes"] == res["modes"]


def test_evaluator_reports_a_bad_directory_without_a_traceback(tmp_path, capsys):
    assert doceval.main([str(tmp_path)]) == 2
    assert "bad_corpus" in capsys.readouterr().err
