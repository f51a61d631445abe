"""corpora/src/train_only: paraphrase items that only ever land in the train split."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "corpora"


def _build_module():
    spec = importlib.util.spec_from_file_location("corpora_build", ROOT / "build.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up while the class is created
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def build():
    if not (ROOT / "build.py").exists():
        pytest.skip("corpora/build.py is absent")
    return _build_module()


@pytest.fixture(scope="module")
def topics(build):
    import yaml

    return yaml.safe_load((build.SRC / "topics.yaml").read_text(encoding="utf-8"))


def test_train_only_file_parses_ids_and_labels(build, topics, tmp_path):
    f = tmp_path / "x.txt"
    f.write_text(
        "#prefix aug-zz\n#topic 防汛\n@通知 county\nD VA 各村对辖区山塘安全兜底负责，出了问题追究村支书责任。\n"
        "#topic 统计\n@评论 province\nC 有的地方把报表当成了工作本身，数字越报越多。\n",
        encoding="utf-8",
    )
    items = build.parse_train_only(f, topics)
    assert [it.id for it in items] == ["aug-zz-0001", "aug-zz-0002"]
    assert items[0].labels == ["vague_duty", "accountability_pressure"] and items[0].kind == "demand"
    assert items[1].topic == "统计" and items[1].kind == "critique" and items[1].labels == []


@pytest.mark.parametrize(
    "header, message",
    [
        ("#prefix aug-zz\n#topic 河长制\n", "held-out"),  # held-out topics stay wholly test
        ("#prefix aug-gd\n#topic 防汛\n", "prefix"),  # "-g" would read as a template fill
        ("#prefix zz\n#topic 防汛\n", "prefix"),
        ("#topic 防汛\n", "#prefix"),
    ],
)
def test_train_only_file_refuses_bad_headers(build, topics, tmp_path, header, message):
    f = tmp_path / "bad.txt"
    f.write_text(header + "@通知 county\nN 各村要组织群众开展房前屋后清理。\n", encoding="utf-8")
    with pytest.raises(build.BuildError, match=message):
        build.parse_train_only(f, topics)


def test_built_train_only_items_are_train_and_in_domain():
    files = sorted((ROOT / "data").glob("*.jsonl"))
    if not files:
        pytest.skip("corpora/data is absent")
    aug = []
    for path in files:
        with open(path, encoding="utf-8") as fh:
            aug.extend(d for d in map(json.loads, fh) if d["id"].startswith("aug-"))
    if not list((ROOT / "src" / "train_only").glob("*.txt")):
        pytest.skip("no train-only sources")
    assert aug, "train-only sources exist but no aug- items were built"
    assert all(d["split"] in ("train", "calib") and not d["heldout_topic"] for d in aug)
    assert all((d["kind"] == "demand") == bool(d["labels"]) for d in aug)
    # a source file is wholly train or wholly calib (its #split header), never dev/test
    by_source: dict[str, set[str]] = {}
    for d in aug:
        by_source.setdefault(d["id"].split("-")[1], set()).add(d["split"])
    assert all(len(v) == 1 for v in by_source.values()), by_source


def test_calib_header_puts_a_train_only_file_in_calib(build, topics, tmp_path):
    src = tmp_path / "x.txt"
    src.write_text("#prefix aug-zz\n#split calib\n#topic 防汛\n@通知 county\nD L 各村每周报送防汛台账。\n", encoding="utf-8")
    items = build.parse_train_only(src, topics)
    assert [it.split for it in items] == ["calib"]
    src.write_text("#prefix aug-zz\n#split dev\n#topic 防汛\n@通知 county\nD L 各村每周报送防汛台账。\n", encoding="utf-8")
    with pytest.raises(build.BuildError):
        build.parse_train_only(src, topics)


def test_committed_corpus_is_what_the_sources_build(build, tmp_path, monkeypatch):
    # corpora/data is generated: an edit there that is not in corpora/src would be lost on the next rebuild
    monkeypatch.setattr(build, "OUT", tmp_path)
    build.write(build.build())
    built = {p.name: p.read_text(encoding="utf-8") for p in sorted(tmp_path.glob("*.jsonl"))}
    committed = {p.name: p.read_text(encoding="utf-8") for p in sorted((ROOT / "data").glob("*.jsonl"))}
    assert built.keys() == committed.keys()
    stale = [name for name in built if built[name] != committed[name]]
    assert not stale, f"corpora/data differs from `python corpora/build.py` output: {stale}"
