"""Training, the numpy compact model, safe model files, evaluation and the CLI, on a small toy corpus."""

from __future__ import annotations

import json
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from docscan.cli import cli
from docscan.config import Config
from docscan.errors import DocscanError
from docscan.learn.compact import CompactModel
from docscan.learn.features import prepare
from docscan.learn.model import load_model
from docscan.learn.persist import load_skops
from docscan.learn.toy import make_items, write_toy_corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return write_toy_corpus(tmp_path_factory.mktemp("corpus"), 300)


@pytest.fixture(scope="module")
def trained(corpus, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("models") / "toy"
    res = CliRunner().invoke(cli, ["train", str(corpus), "--backend", "sklearn", "-o", str(out), "--seed", "7"])
    assert res.exit_code == 0, res.output
    TRAIN_OUTPUT["sklearn"] = res.output
    return out


TRAIN_OUTPUT: dict[str, str] = {}


def test_train_prints_dev_only_unless_asked(trained):
    # test/held-out figures are written (metrics.json, card) but not shown to someone tuning a recipe
    out = TRAIN_OUTPUT["sklearn"]
    assert "| dev" in out and "| test" not in out and "| heldout" not in out and "test " not in out.split("wrote")[0]


def test_train_writes_model_directory(trained):
    for name in ("meta.json", "model.npz", "model.skops", "metrics.json", "MODEL_CARD.md"):
        assert (trained / name).is_file(), name
    meta = json.loads((trained / "meta.json").read_text(encoding="utf-8"))
    assert meta["backend"] == "sklearn" and meta["seed"] == 7
    assert set(meta["thresholds"]["ledger_demand"]) == {"model", "high", "low", "weak_conf"}
    card = (trained / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "not** grounds for sanctions" in card and "heldout" in card
    metrics = json.loads((trained / "metrics.json").read_text(encoding="utf-8"))
    assert {"dev", "test", "heldout"} <= set(metrics["splits"])
    assert metrics["splits"]["test"]["modes"]["model"]["macro_f1"] > 0.7


def test_compact_equals_pipeline(trained, corpus):
    pipe = load_skops(trained / "model.skops")
    compact = CompactModel.load(trained / "model.npz")
    texts = [it["text"] for it in make_items(300)] + ["", "。", "各村每周报送台账", "ＡＢＣ１２３　全角 空格", "𠀀𠀁 ext-B"]
    expected = pipe.predict_proba([prepare(t) for t in texts])
    np.testing.assert_allclose(compact.predict_proba(texts), expected, atol=1e-6, rtol=0)


def test_model_predicts_clear_demand(trained):
    model = load_model(trained)
    p = model.predict_proba(["各村要建立防汛工作台账，每周报送镇党政办。", "今年以来全县防汛工作总体平稳。"])
    j = model.meta["categories"].index("ledger_demand")
    assert p[0, j] > 0.5 > p[1, j]


def test_same_seed_same_metrics(trained, corpus, tmp_path):
    out = tmp_path / "again"
    res = CliRunner().invoke(cli, ["train", str(corpus), "-o", str(out), "--seed", "7"])
    assert res.exit_code == 0, res.output
    a = json.loads((trained / "metrics.json").read_text(encoding="utf-8"))
    b = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert a["splits"] == b["splits"]


def test_evaluate_cli_json_and_text(trained, corpus):
    res = CliRunner().invoke(cli, ["evaluate", "--model", str(trained), "test", "--corpus", str(corpus),
                                   "--format", "json", "--mode", "all"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    fusion = data["modes"]["fusion"]
    assert set(fusion["per_category"]) >= {"ledger_demand", "vague_duty"}
    assert {"tp", "fp", "fn"} <= set(fusion["per_category"]["ledger_demand"])
    assert 0.0 <= fusion["negatives_flagged"] <= 1.0 and "core_macro_f1" in fusion
    # the evaluate command reproduces the numbers train wrote
    written = json.loads((trained / "metrics.json").read_text(encoding="utf-8"))["splits"]["test"]["modes"]
    assert fusion["macro_f1"] == written["fusion"]["macro_f1"]
    text = CliRunner().invoke(cli, ["evaluate", "--model", str(trained), "dev", "--corpus", str(corpus),
                                    "--mode", "model"])
    assert text.exit_code == 0 and "core macro-F1" in text.output and "ledger_demand" in text.output


def test_scan_with_model_reports_model_findings(trained):
    import docscan
    import docscan.detect

    if not hasattr(docscan.detect, "_fuse_model"):
        pytest.skip("the rule engine's fusion hook (docscan.detect._fuse_model) has not landed yet")
    report = docscan.scan(text="各村要建立防汛工作台账，每周报送镇党政办。", model=str(trained))
    assert report.ok
    cats = {f.category for f in report.findings}
    assert "ledger_demand" in cats
    rules_only = docscan.scan(text="各村要建立防汛工作台账，每周报送镇党政办。", model="none", use_model=False)
    assert all(f.source == "rule" for f in rules_only.findings)


def test_trained_model_has_a_stack_and_scan_decides_like_evaluate(trained, corpus):
    """The stacked fusion in meta.json decides a scan exactly as `docscan evaluate` scores it."""
    import docscan
    from docscan.learn.corpus import load_corpus, select
    from docscan.learn.evaluate import build_cases, predictions

    meta = json.loads((trained / "meta.json").read_text(encoding="utf-8"))
    assert meta["stack"]["features"] and set(meta["stack"]["threshold"]) == set(meta["thresholds"])
    model = load_model(trained)
    items = select(load_corpus(corpus), "dev")[:60]
    cases = build_cases(items)
    pred = predictions(cases, model.predict_proba(cases.sent_texts), model.meta, "fusion")
    cats = list(meta["thresholds"])
    for it, row in zip(items, pred, strict=True):
        found = {f.category for f in docscan.scan(text=it["text"], model=str(trained)).findings}
        assert found == {c for c, on in zip(cats, row, strict=True) if on}, it["text"]


# -- safe model files -----------------------------------------------------------------------------------
class Foreign:
    """Not on any trusted list."""

    def __init__(self) -> None:
        self.x = 1


def test_skops_with_untrusted_type_is_refused(tmp_path):
    import skops.io as sio

    p = tmp_path / "model.skops"
    sio.dump({"payload": Foreign()}, p)
    with pytest.raises(DocscanError) as e:
        load_skops(p)
    assert e.value.code == "bad_model" and "untrusted" in e.value.detail


def test_pickle_renamed_is_refused_and_not_executed(tmp_path):
    marker = tmp_path / "executed"

    class Evil:
        def __reduce__(self):
            return (Path.touch, (marker,))

    p = tmp_path / "model.skops"
    p.write_bytes(pickle.dumps(Evil()))
    with pytest.raises(DocscanError) as e:
        load_skops(p)
    assert e.value.code == "bad_model"
    assert not marker.exists()


def test_tampered_npz_is_refused(trained, tmp_path):
    d = tmp_path / "m"
    d.mkdir()
    (d / "meta.json").write_text((trained / "meta.json").read_text(encoding="utf-8"), encoding="utf-8")
    with zipfile.ZipFile(trained / "model.npz") as z:
        arrays = {n[:-4]: np.load(z.open(n), allow_pickle=False) for n in z.namelist()}
    arrays["coef"] = np.array([Foreign], dtype=object)  # an object array needs pickle to load
    np.savez(d / "model.npz", **arrays)
    with pytest.raises(DocscanError) as e:
        load_model(d)
    assert e.value.code == "bad_model"
    (d / "model.npz").write_bytes(pickle.dumps({"a": 1}))
    with pytest.raises(DocscanError):
        load_model(d)


def test_missing_or_foreign_model_dir(tmp_path):
    with pytest.raises(DocscanError) as e:
        load_model(tmp_path)
    assert e.value.code == "bad_model"
    (tmp_path / "meta.json").write_text('{"format": "something/else"}', encoding="utf-8")
    with pytest.raises(DocscanError):
        load_model(tmp_path)
    res = CliRunner().invoke(cli, ["evaluate", "--model", str(tmp_path), "test", "--corpus", str(tmp_path)])
    assert res.exit_code == 2 and "Traceback" not in res.output


def test_config_none_means_no_model():
    from docscan.learn.model import get_model

    assert get_model(Config(model="none")) is None
    assert get_model(Config(use_model=False)) is None


# -- spaCy backend ----------------------------------------------------------------------------------
@pytest.mark.slow
def test_spacy_backend_deterministic(corpus, tmp_path):
    runs = []
    for name in ("a", "b"):
        res = CliRunner().invoke(cli, ["train", str(corpus), "--backend", "spacy", "-o", str(tmp_path / name),
                                       "--seed", "3"])
        assert res.exit_code == 0, res.output
        runs.append(json.loads((tmp_path / name / "metrics.json").read_text(encoding="utf-8"))["splits"])
    assert runs[0] == runs[1]
    assert runs[0]["test"]["modes"]["model"]["macro_f1"] > 0.6
    model = load_model(tmp_path / "a")
    assert model.backend == "spacy"
    assert model.predict_proba(["各村每周报送工作台账。"]).shape == (1, 7)


# -- the shipped model ------------------------------------------------------------------------------
def test_default_model_predicts_clear_demand():
    from docscan.learn.model import DEFAULT_DIR

    if not (DEFAULT_DIR / "meta.json").is_file():
        pytest.skip("models/default not trained in this checkout (run `make train`)")
    model = load_model(DEFAULT_DIR)
    p = model.predict_proba(["各村（社区）要建立工作台账，每周五前将工作进展、影像资料报送镇党政办。"])
    assert p[0, 0] >= model.meta["thresholds"]["ledger_demand"]["model"]


def test_annotate_with_model_predictions(trained, tmp_path):
    src = tmp_path / "n.txt"
    src.write_text("各村要建立防汛工作台账，每周报送镇党政办。\n今年以来全县防汛工作总体平稳。\n", encoding="utf-8")
    out = tmp_path / "out.json"
    res = CliRunner().invoke(cli, ["annotate", str(src), "-o", str(out), "--model", str(trained)])
    assert res.exit_code == 0, res.output
    tasks = json.loads(out.read_text(encoding="utf-8"))
    first = tasks[0]["predictions"][0]
    choices = [r for r in first["result"] if r["type"] == "choices"]
    assert choices and "ledger_demand" in choices[0]["value"]["choices"]
    assert first["model_version"].startswith("toy-")
