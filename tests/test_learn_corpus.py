"""Corpus validation, stats, and Label Studio / doccano / spaCy DocBin round trips; annotate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from docscan.cli import cli
from docscan.learn.corpus import check_corpus, load_corpus, stats
from docscan.learn.interop import export_items, import_file

GOOD = [
    {"id": "a-1", "text": "各村每周报送工作台账。", "labels": ["ledger_demand"], "kind": "demand", "topic": "防汛",
     "spans": [{"start": 2, "end": 10, "label": "ledger_demand"}], "split": "train", "heldout_topic": False},
    {"id": "a-2", "text": "不得要求基层重复填报。", "labels": [], "kind": "prohibition", "topic": "防汛",
     "spans": [], "split": "dev", "heldout_topic": False},
    {"id": "a-3", "text": "县里每月对各乡镇开展督查，并签订责任状。", "labels": ["repeated_inspection",
     "accountability_pressure"], "kind": "demand", "topic": "信访", "spans": [], "split": "test",
     "heldout_topic": False},
]


def write(path: Path, lines: list[str]) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    (path / "data").mkdir(exist_ok=True)
    (path / "data" / "x.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def dumps(d) -> str:
    return json.dumps(d, ensure_ascii=False)


def test_check_names_every_bad_line(tmp_path):
    bad_span = {**GOOD[0], "id": "b-1", "text": "各乡镇每日填报报表。", "spans": [{"start": 5, "end": 40,
                "label": "ledger_demand"}]}
    wrong_span_label = {**GOOD[0], "id": "b-2", "text": "各社区每月上报材料。", "spans": [{"start": 0, "end": 3,
                        "label": "vague_duty"}]}
    unknown = {**GOOD[0], "id": "b-3", "text": "网格员每天拍照上传。", "labels": ["photo_spam"], "spans": []}
    dup = {**GOOD[1], "text": "另一句话。"}
    leak = {**GOOD[1], "id": "b-4", "text": "各村 每周报送工作台账。", "split": "test"}  # whitespace differs only
    lines = [dumps(GOOD[0]), dumps(GOOD[1]), "{not json", dumps(bad_span), dumps(wrong_span_label),
             dumps(unknown), dumps(dup), dumps(leak), dumps(GOOD[2])]
    d = write(tmp_path / "c", lines)
    res = check_corpus(d)
    text = "\n".join(res.problems)
    f = d / "data" / "x.jsonl"
    assert f"{f}:3: bad JSON" in text
    assert f"{f}:4: span offsets" in text
    assert f"{f}:5: span label 'vague_duty' not in labels" in text
    assert f"{f}:6: unknown label 'photo_spam'" in text
    assert f"{f}:7: duplicate id 'a-2'" in text
    assert f"{f}:8: test text also in train" in text
    assert len(res.items) == 4  # GOOD ×3 + the leaking line (reported, still parsed)
    cli_res = CliRunner().invoke(cli, ["corpus", "check", str(d)])
    assert cli_res.exit_code == 1 and ":3: bad JSON" in cli_res.output


def test_check_clean_corpus_and_stats(tmp_path):
    d = write(tmp_path / "c", [dumps(x) for x in GOOD])
    assert check_corpus(d).ok
    res = CliRunner().invoke(cli, ["corpus", "check", str(d)])
    assert res.exit_code == 0
    st = stats(load_corpus(d))
    assert st["items"] == 3 and st["labels"]["ledger_demand"] == 1 and st["kind"]["prohibition"] == 1
    out = CliRunner().invoke(cli, ["corpus", "stats", str(d), "--format", "json"])
    assert json.loads(out.output)["split"] == {"dev": 1, "test": 1, "train": 1}


@pytest.mark.parametrize("fmt,suffix", [("labelstudio", ".json"), ("doccano", ".jsonl"), ("spacy", ".spacy")])
def test_export_import_round_trip(tmp_path, fmt, suffix):
    d = write(tmp_path / "c", [dumps(x) for x in GOOD])
    out = tmp_path / f"export{suffix}"
    res = CliRunner().invoke(cli, ["corpus", "export", str(d), "--to", fmt, "-o", str(out)])
    assert res.exit_code == 0, res.output
    back = import_file(out, fmt)
    assert [(b["id"], b["text"], sorted(b["labels"]), b["split"], b["kind"]) for b in back] == [
        (g["id"], g["text"], sorted(g["labels"]), g["split"], g["kind"]) for g in GOOD]
    assert back[0]["spans"] == GOOD[0]["spans"]
    res = CliRunner().invoke(cli, ["corpus", "import", str(out), "--from", fmt, "-o", str(tmp_path / "re.jsonl")])
    assert res.exit_code == 0, res.output
    assert check_corpus(tmp_path / "re.jsonl").ok


def test_import_foreign_labelstudio_fills_fields(tmp_path):
    tasks = [{"data": {"text": "各村每天在工作群打卡。"}, "annotations": [{"result": [
        {"type": "labels", "value": {"start": 5, "end": 10, "labels": ["digital_formalism"]}}]}]}]
    p = tmp_path / "ls.json"
    p.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    (item,) = import_file(p, "labelstudio")
    assert item["labels"] == ["digital_formalism"] and item["kind"] == "demand"
    assert item["split"] in ("train", "dev", "test") and item["id"].startswith("imp-")
    p.write_text("{oops", encoding="utf-8")
    res = CliRunner().invoke(cli, ["corpus", "import", str(p), "--from", "labelstudio"])
    assert res.exit_code == 2 and "bad_corpus" in res.output


def test_export_to_stdout_doccano(tmp_path):
    d = write(tmp_path / "c", [dumps(x) for x in GOOD])
    assert export_items(load_corpus(d), "doccano", None).count("\n") == 2


@pytest.mark.parametrize("fmt", ["labelstudio", "doccano"])
def test_annotate_rules_only(tmp_path, fmt):
    src = tmp_path / "n.txt"
    src.write_text("各村每周报送工作台账。\n今年全县工作总体平稳。\n", encoding="utf-8")
    out = tmp_path / "out.json"
    res = CliRunner().invoke(cli, ["annotate", str(src), "-o", str(out), "--to", fmt, "--model", "none"])
    assert res.exit_code == 0, res.output
    if fmt == "labelstudio":
        tasks = json.loads(out.read_text(encoding="utf-8"))
        assert [t["data"]["text"] for t in tasks] == ["各村每周报送工作台账。", "今年全县工作总体平稳。"]
        assert all("predictions" in t for t in tasks)
    else:
        lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
        assert len(lines) == 2 and all("label" in x and "cats" in x for x in lines)


def _audit(second_pass: str):
    """(the agreement module of corpora/audit, the second pass ``second_pass``, the current corpus by id)."""
    import importlib.util

    root = Path(__file__).resolve().parents[1] / "corpora" / "audit"
    if not (root / second_pass).is_file():
        pytest.skip("corpora/audit is absent")
    spec = importlib.util.spec_from_file_location("agreement", root / "agreement.py")
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    return mod, mod.read_jsonl(root / second_pass), mod.corpus()


def test_audited_labels_stay_adjudicated():
    """corpora/audit: the second annotator's blind pass vs the corpus after adjudication (README "Reliability").
    A later edit that silently reverts adjudicated labels drops the agreement below what was published."""
    mod, second, current = _audit("second_pass.jsonl")
    ids = sorted(second)
    assert len(ids) == 500 and all(i in current for i in ids)
    res = mod.compare(current, second, ids)
    assert res["exact"] >= 0.95 and res["kind_kappa"] >= 0.95, res


def test_audited_train_only_labels_stay_adjudicated():
    """corpora/audit (wave 5): the blind second pass over 300 train-only `aug-*` items vs the corpus after
    adjudication (README "Reliability", 98 % exact). Reverting the wave-5 fixes drops it to 94 %."""
    mod, second, current = _audit("aug_second_pass.jsonl")
    ids = sorted(second)
    assert len(ids) == 300 and all(i.startswith("aug-") and current[i]["split"] == "train" for i in ids)
    res = mod.compare(current, second, ids)
    assert res["exact"] >= 0.97 and res["kind_kappa"] >= 0.95, res
    assert min(res[lab][0] for lab in mod.LABELS) >= 0.95, res
