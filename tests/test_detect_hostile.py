"""Hostile text: linear time and bounded work (size scaling, no wall-clock thresholds)."""

from __future__ import annotations

import time

from docscan.config import Config
from docscan.detect import detect
from docscan.document import Document, Sentence, SourceInfo
from docscan.segment import split_sentences

CFG = Config(use_model=False)


def _doc(text: str) -> Document:
    d = Document(source=SourceInfo(path="<hostile>", format="txt"), text=text)
    d.sentences = split_sentences(text)
    return d


def _time(text: str) -> tuple[float, int]:
    d = _doc(text)
    t = time.perf_counter()
    det = detect(d, CFG)
    return time.perf_counter() - t, len(det.findings)


def _ratio(unit: str, n: int) -> float:
    """Time(2n) / time(n): ~2 when linear, ~4 when quadratic. Best of 3 each, so a busy machine (CI, other
    processes) does not read as superlinear."""
    detect(_doc(unit * 10), CFG)  # warm the engine
    t1 = min(_time(unit * n)[0] for _ in range(3))
    t2 = min(_time(unit * (2 * n))[0] for _ in range(3))
    return t2 / max(t1, 1e-4)


def test_long_line_without_punctuation_scales_linearly():
    # ~1 MB (UTF-8) in the larger run: one line, no punctuation, triggers and actors all over it
    unit = "各村每周报送台账一户一档督查检查考核各乡镇落实属地责任兜底负责拍照上传打卡"
    r = _ratio(unit, 4500)
    assert r < 3.0, r


def test_repeated_trigger_words_scale_linearly():
    r = _ratio("台账，", 12_000)  # 12k and 24k repeated trigger words in one sentence
    assert r < 3.0, r


def test_mixed_scripts_and_symbols_complete():
    text = ("Ledger台账🙂 ١٢٣ каждую неделю 每週報送臺賬 \u200b\ufeff" * 3000) + "。"
    _t, n = _time(text)
    assert n >= 0  # completes without error


def test_findings_stay_inside_the_text():
    text = "各村每周报送台账" * 2000
    d = _doc(text)
    det = detect(d, CFG)
    assert det.findings
    assert all(0 <= f.start < f.end <= len(text) and text[f.start:f.end] == f.text for f in det.findings)
    assert all(len(f.text) <= 400 for f in det.findings)


def test_empty_and_punctuation_only():
    for text in ("", "。。。，，，；；", "\n\n\n"):
        d = _doc(text)
        d.sentences = d.sentences or [Sentence(0, len(text), [(0, len(text))])] if text else []
        assert detect(d, CFG).findings == []
