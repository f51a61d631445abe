"""The numpy model's fast paths give exactly what the plain definitions give (text preparation, key lookup)."""

from __future__ import annotations

import random
import re
import unicodedata

import numpy as np

from docscan.learn.compact import CompactModel
from docscan.learn.features import ngram_key, prepare, prepare_many

_WS = re.compile(r"\s+")
_GAP = re.compile(r"(?<=[\u3400-\u9fff\uf900-\ufaff])\s+(?=[\u3400-\u9fff\uf900-\ufaff])")


def _reference(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\x00", " ").replace("\ue000", " ")
    text = re.sub(r"\d", "0", text)
    return _WS.sub(" ", _GAP.sub("", text)).strip().lower()


TRICKY = [
    "各村（社区）每周报送台账，Ⅳ类　①项", "ＡＢ\u0301Ｃ", "Ａ\u0308\u0301ｅ\u0323\u0307", "ｶﾞ", "\u1100\u1161\u11a8",
    "ﬁ Ω Å", "\u0b47\u0b3e", "⑴⒈⒛", "　\u3000ｘ", "", "\x00ａ\ue000ｂ",
]


def test_prepare_is_nfkc_exactly():
    rng = random.Random(5)
    pool = "".join(TRICKY) + "报表台账考核１２３ａｂｃＡＢＣ（）：；，。"
    texts = TRICKY + ["".join(rng.choice(pool) for _ in range(rng.randint(0, 30))) for _ in range(300)]
    assert [prepare(t) for t in texts] == [_reference(t) for t in texts]
    assert prepare_many(texts) == [_reference(t) for t in texts]


def test_key_lookup_matches_binary_search():
    rng = np.random.default_rng(3)
    grams = sorted({"".join(chr(int(c)) for c in rng.integers(0x4E00, 0x4E40, size=int(n)))
                    for n in rng.integers(1, 4, size=3000)}, key=ngram_key)
    keys = np.array([ngram_key(g) for g in grams], dtype=np.uint64)
    m = CompactModel(keys, np.ones(len(keys)), rng.normal(size=(len(keys), 2)), np.zeros(2), -np.ones(2),
                     np.zeros(2), ["a", "b"])
    texts = ["".join(chr(int(c)) for c in rng.integers(0x4E00, 0x4E48, size=int(n)))
             for n in rng.integers(0, 40, size=200)]
    got = m.decision_function(texts)

    # the definition: count every 1-3-gram of the prepared text found in the vocabulary
    want = np.zeros((len(texts), 2))
    for i, t in enumerate(prepare(x) for x in texts):
        counts: dict[int, int] = {}
        for n in (1, 2, 3):
            for j in range(len(t) - n + 1):
                k = ngram_key(t[j:j + n])
                pos = int(np.searchsorted(keys, k))
                if pos < len(keys) and keys[pos] == k:
                    counts[pos] = counts.get(pos, 0) + 1
        if counts:
            idx = np.array(list(counts))
            val = 1.0 + np.log(np.array(list(counts.values()), dtype=float))
            val /= np.sqrt((val * val).sum())
            want[i] = val @ m.coef[idx]
    assert np.count_nonzero(want) > len(texts)  # the vocabulary is hit
    np.testing.assert_allclose(got, want, atol=1e-12, rtol=0)
