"""Grouped cross-validation, the train+dev recipe, abstracted feature sets and honest (out-of-fold) dev scores."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from docscan.cli import cli
from docscan.errors import DocscanError
from docscan.learn.compact import CompactModel
from docscan.learn.corpus import load_corpus, select
from docscan.learn.cv import cross_validate, main, parse_recipe, pool_cases
from docscan.learn.features import FEATURE_SETS, prepare_texts
from docscan.learn.persist import load_skops
from docscan.learn.toy import make_items, write_toy_corpus
from docscan.learn.train import Recipe, grouped_folds, item_groups, train


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return write_toy_corpus(tmp_path_factory.mktemp("cvcorpus"), 300)


@pytest.fixture(scope="module")
def abs_model(corpus, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("models") / "abs"
    train(corpus, out, seed=5, recipe=Recipe(fit_on="train+dev", features="char+abs"), log=lambda s: None)
    return out


def test_groups_keep_noise_variants_and_template_fills_together():
    items = [{"id": "a-0001", "text": "各村要建立防汛工作台账，每周报送镇党政办。"},
             {"id": "a-0001-1", "text": "各村要建立防汛工作台账， 每周报送镇党政办。", "noise": True},
             {"id": "a-g1", "text": "各社区要建立防汛工作台账，每周报送镇党政办。"},
             {"id": "a-0002", "text": "今年全县安全生产形势总体平稳。"}]
    g = item_groups(items, prepare_texts([it["text"] for it in items]))
    assert g[0] == g[1] == g[2] != g[3]


def test_grouped_folds_never_split_a_group():
    rng = np.random.default_rng(0)
    groups = rng.integers(0, 40, size=200)
    Y = (rng.random((200, 3)) < 0.4).astype(int)
    folds = grouped_folds(groups, Y, 5, seed=1)
    assert len(folds) == 5
    held = np.concatenate([h for _f, h in folds])
    assert sorted(held.tolist()) == list(range(200))
    for f, h in folds:
        assert not set(groups[f]) & set(groups[h])
        assert Y[f].sum(axis=0).min() > 0


def test_pool_is_train_and_dev_only(corpus):
    cases, fp = pool_cases(corpus)
    assert {it["split"] for it in cases.items} <= {"train", "dev"}
    assert not any(it.get("heldout_topic") for it in cases.items)
    items = load_corpus(corpus)
    assert len(cases.items) == len(select(items, "train")) + len(select(items, "dev")) and len(fp) == 12


@pytest.mark.parametrize("spec", ["train+dev", "train+dev,stack_C=0.5,folds=3,learner=lr,ngram_max=3"])
def test_cross_validation_scores_every_mode(corpus, spec):
    cases, _fp = pool_cases(corpus)
    res = cross_validate(cases, parse_recipe(spec), k=3, seed=3)
    assert res["k"] == 3 and res["items"] == len(cases.items)
    for mode in ("rules", "model", "fusion"):
        assert 0.5 < res["modes"][mode]["core_macro_f1"] <= 1.0, mode


def test_cv_command_writes_json(corpus, tmp_path, capsys):
    out = tmp_path / "cv.json"
    assert main([str(corpus), "--k", "2", "--recipe", "train+dev", "--json", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["results"][0]["recipe"]["fit_on"] == "train+dev"
    assert "| train+dev | fusion |" in capsys.readouterr().out


def test_parse_recipe_rejects_unknown_keys():
    assert parse_recipe("train+dev,features=char+abs,stack_C=0.3") == Recipe("train+dev", "char+abs", 0.3)
    r = parse_recipe("train+dev,learner=lr,ngram_max=3,C_grid=1/4")
    assert (r.learner, r.ngram_range, r.c_grid) == ("lr", (1, 3), (1.0, 4.0))
    assert Recipe().c_grid and Recipe().learner == "svm"  # the default: LinearSVC on char 1-2-grams
    with pytest.raises(SystemExit):
        parse_recipe("train+dev,colour=red")
    for bad in ("train+dev,learner=forest", "train+dev,ngram_max=4"):
        with pytest.raises(DocscanError):
            parse_recipe(bad)


def test_abstracted_features_share_placeholders():
    a, b = prepare_texts(["各村每周报送台账。", "网格员每月报送台账。"], "char+abs")
    assert a.split("\ue001")[1] == b.split("\ue001")[1]  # same after abstraction: actor, frequency
    assert a.startswith("各村每周")  # the raw block stays
    assert set(FEATURE_SETS) >= {"char", "char+abs"}
    assert prepare_texts(["", "。"], "char+abs")[0] == ""


def test_abstracted_model_compact_equals_pipeline(abs_model):
    pipe = load_skops(abs_model / "model.skops")
    compact = CompactModel.load(abs_model / "model.npz")
    assert compact.features == "char+abs"
    texts = [it["text"] for it in make_items(120)] + ["", "。", "各村每周报送台账", "ＡＢＣ１２３　全角", "\ue010\ue001x"]
    expected = pipe.predict_proba(prepare_texts(texts, "char+abs"))
    np.testing.assert_allclose(compact.predict_proba(texts), expected, atol=1e-9, rtol=0)


def test_train_dev_model_scores_dev_out_of_fold(abs_model, corpus):
    meta = json.loads((abs_model / "meta.json").read_text(encoding="utf-8"))
    assert meta["corpus"]["fit_splits"] == ["train", "dev", "calib"] and (abs_model / "oof.npz").is_file()
    written = json.loads((abs_model / "metrics.json").read_text(encoding="utf-8"))["splits"]["dev"]
    assert written["probabilities"] == "out-of-fold"
    res = CliRunner().invoke(cli, ["evaluate", "--model", str(abs_model), "dev", "--corpus", str(corpus),
                                   "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["probabilities"] == "out-of-fold" and data["out_of_fold_items"] == data["items"]
    for mode in ("model", "fusion"):
        assert data["modes"][mode]["macro_f1"] == written["modes"][mode]["macro_f1"]
    text = CliRunner().invoke(cli, ["evaluate", "--model", str(abs_model), "dev", "--corpus", str(corpus)])
    assert "out-of-fold" in text.output


def test_npz_without_feature_set_is_char(abs_model, tmp_path):
    import zipfile

    with zipfile.ZipFile(abs_model / "model.npz") as z:
        arrays = {n[:-4]: np.load(z.open(n), allow_pickle=False) for n in z.namelist()}
    assert arrays["ngram"].tolist() == [1, 2]
    del arrays["features"], arrays["ngram"]
    np.savez(tmp_path / "old.npz", **arrays)
    old = CompactModel.load(tmp_path / "old.npz")
    assert old.features == "char" and old.ngram == (1, 3)  # a wave-5 model: char 1-3-grams
    np.savez(tmp_path / "bad.npz", **arrays, ngram=np.array([1, 4]))
    with pytest.raises(DocscanError, match="n-gram range"):
        CompactModel.load(tmp_path / "bad.npz")


@pytest.fixture(scope="module")
def lr_model(corpus, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("models") / "lr"
    train(corpus, out, seed=5, recipe=Recipe(learner="lr", ngram_max=3), log=lambda s: None)
    return out


@pytest.mark.parametrize("name", ["abs_model", "lr_model"])
def test_recipe_is_recorded_and_compact_equals_pipeline(name, request):
    """Both learners (LinearSVC on 1-2-grams: abs_model; LR on 1-3-grams, the wave-5 recipe) export exactly."""
    model_dir = request.getfixturevalue(name)
    meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
    recipe = meta["params"]["recipe"]
    want = ("svm", 2) if name == "abs_model" else ("lr", 3)
    assert (recipe["learner"], recipe["ngram_max"]) == want
    assert meta["params"]["classifier"].startswith("one-vs-rest " + ("LinearSVC" if want[0] == "svm" else "Logistic"))
    compact = CompactModel.load(model_dir / "model.npz")
    assert compact.ngram == (1, want[1])
    texts = [it["text"] for it in make_items(80)] + ["", "。", "各村每周报送台账", "ＡＢＣ１２３　全角"]
    expected = load_skops(model_dir / "model.skops").predict_proba(prepare_texts(texts, compact.features))
    np.testing.assert_allclose(compact.predict_proba(texts), expected, atol=1e-9, rtol=0)
