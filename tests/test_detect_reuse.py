"""Detection carries the engine's frequency/deadline parses; quantify reuses them with identical results."""

from __future__ import annotations

import dataclasses

import docscan
from docscan.config import Config
from docscan.detect import detect
from docscan.detect.frequency import parse_deadline, parse_frequency
from docscan.quantify import facts, quantify

TEXT = (
    "各乡镇（街道）要建立秸秆禁烧工作台账，每周五12时前将进展情况报县农业农村局，3个工作日内完成整改。\n"
    "县专项办每月暗访一次，对问题突出的乡镇予以通报，纳入年度考核。\n"
    "各村（社区）须于6月30日前将纸质版和电子版材料报镇政府备查，并签字盖章。\n"
)


def _run(det):
    facts._last.slot = None  # no reuse of facts built earlier for this document
    return quantify(det_doc, det, Config(use_model=False))


det_doc = docscan.extract(text=TEXT)


def test_detection_carries_frequency_and_deadline_parses():
    det = detect(det_doc, Config(use_model=False))
    assert det.frequencies == parse_frequency(det_doc.text)
    assert det.deadlines is not None and [d["text"] for d in det.deadlines] == [
        d["text"] for d in parse_deadline(det_doc.text)]
    assert any(f["per_year"] == 52 for f in det.frequencies)


def test_quantify_same_with_and_without_carried_parses():
    det = detect(det_doc, Config(use_model=False))
    bare = dataclasses.replace(det, frequencies=None, deadlines=None)
    assert _run(det) == _run(bare)


def test_parses_for_another_text_are_not_reused():
    # best effort: the spans are checked against the text (an empty list cannot be told apart)
    det = detect(det_doc, Config(use_model=False))
    other = docscan.extract(text="各村每日报送一次，3日内完成。")
    wrong = dataclasses.replace(det, frequencies=parse_frequency(other.text), deadlines=parse_deadline(other.text))
    assert wrong.frequencies and wrong.deadlines
    assert _run(wrong) == _run(dataclasses.replace(det, frequencies=None, deadlines=None))
