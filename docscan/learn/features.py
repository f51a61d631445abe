"""Text preparation shared by training and inference, so the sklearn Pipeline and the numpy model agree.

The model sees ``prepare(text)``: NFKC (fullwidth digits/letters → ASCII), digits → ``0`` (a frequency is a
pattern, not a number), whitespace between CJK characters removed (extraction noise), every whitespace run
→ one space, lower case. Char n-grams of length 1..3 are then encoded as one integer each (21 bits per code
point), which lets :mod:`docscan.learn.compact` look them up with ``numpy.searchsorted``.
"""

from __future__ import annotations

import functools
import re
import unicodedata

NGRAM_RANGE = (1, 3)  # 3 × 21 bits fit into uint64; do not raise max_n above 3
_BITS = 21

_DIGITS = re.compile(r"\d")
_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff\uf900-\ufaff])\s+(?=[\u3400-\u9fff\uf900-\ufaff])")
_WS = re.compile(r"\s+")


_SEP = "\ue000"  # a private-use char: batch separator, never inside a prepared text
# Common compatibility characters of Chinese text (fullwidth forms, ideographic space, roman and enclosed
# numerals): replaced by their NFKD form first, after which the text is usually NFKC already (see _nfkc).
_COMPAT_RUNS = re.compile("[\u3000\u2160-\u217f\u2460-\u24ff\uff01-\uff5e]+")


@functools.lru_cache(maxsize=4096)
def _nfkd(run: str) -> str:
    return unicodedata.normalize("NFKD", run)


def _nfkc(text: str) -> str:
    """Exactly ``unicodedata.normalize("NFKC", text)``, ~4x faster on Chinese text.

    NFKC = canonical composition of the NFKD form, and NFKD works character by character (then reorders
    combining marks canonically), so replacing any character by its own NFKD form leaves NFKD(text) — and hence
    NFKC(text) — unchanged. After replacing the usual fullwidth forms that way, ``is_normalized`` (a quick
    check) settles most texts without the full normalization; any other text still gets it.
    """
    y = _COMPAT_RUNS.sub(lambda m: _nfkd(m.group()), text)
    return y if unicodedata.is_normalized("NFKC", y) else unicodedata.normalize("NFKC", y)


def prepare(text: str) -> str:
    text = _nfkc(text).replace("\x00", " ").replace(_SEP, " ")
    text = _DIGITS.sub("0", text)
    text = _CJK_GAP.sub("", text)
    text = _WS.sub(" ", text).strip()
    return text.lower()


def prepare_many(texts: list[str]) -> list[str]:
    """``[prepare(t) for t in texts]`` in one pass over the joined text (regex calls per text dominate)."""
    if len(texts) < 8:
        return [prepare(t) for t in texts]
    joined = _SEP.join(t.replace(_SEP, " ") for t in texts)
    joined = _nfkc(joined).replace("\x00", " ")
    joined = _DIGITS.sub("0", joined)
    joined = _CJK_GAP.sub("", joined)
    joined = _WS.sub(" ", joined).lower()
    out = [p.strip() for p in joined.split(_SEP)]
    if len(out) != len(texts):  # NFKC changed the separator count (should never happen): be exact
        return [prepare(t) for t in texts]
    return out


def ngram_key(gram: str) -> int:
    """The integer key of an n-gram (1 ≤ len ≤ 3): code points packed 21 bits each."""
    k = 0
    for ch in gram:
        k = (k << _BITS) | ord(ch)
    return k


# -- feature sets ----------------------------------------------------------------------------------------
# A model's feature set is stored with it (``model.npz`` array ``features``; absent = "char"), so an older model
# keeps being scored the way it was trained.
#   char          the prepared text
#   char+abs      the prepared text, a separator, then the text with class mentions (actors, frequencies,
#                 platforms, forms, time spans, dates: docscan/data/model_features.yaml) replaced by placeholders
#   char+ctx      the prepared text, then for each class mention only a window of CTX characters either side of
#                 its placeholder (fewer duplicated n-grams, cheaper to score)
FEATURE_SETS = ("char", "char+abs", "char+ctx")
CTX = 2
_BLOCK = "\ue001"  # separates the raw block from the abstracted one
_PUA = re.compile("[\ue001-\ue0ff]")  # placeholders' range: never taken from the input


@functools.lru_cache(maxsize=1)
def _abstraction() -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex over every class mention (literals longest first, then the classes' patterns) and the
    placeholder of each literal; a pattern's placeholder is found from its named group."""
    import yaml

    from ..detect.lexicon import DATA, actor_data, lexicons

    spec = yaml.safe_load((DATA / "model_features.yaml").read_text(encoding="utf-8"))["classes"]
    literal: dict[str, str] = {}
    patterns: list[str] = []
    for k, cls in enumerate(spec.values()):
        ph = chr(0xE010 + k)
        words = list(cls.get("words") or [])
        if cls.get("from_actors"):
            words += actor_data()[cls["from_actors"]]
        if cls.get("from_lexicon"):
            words += lexicons()[cls["from_lexicon"]]
        for w in words:
            w = prepare(str(w))
            if w:
                literal.setdefault(w, ph)  # first class wins for a word listed twice
        if cls.get("patterns"):
            patterns.append(f"(?P<c{k}>" + "|".join(f"(?:{pat})" for pat in cls["patterns"]) + ")")
    lits = _trie_regex(list(literal))
    return re.compile("|".join([f"(?:{lits})", *patterns]) if lits else "|".join(patterns)), literal


def _trie_regex(words: list[str]) -> str:
    """A regex matching the longest of ``words`` at a position, as a character trie: the regex engine then tests
    one character set per position instead of every word (a plain alternation was ~5x slower)."""
    trie: dict[str, dict] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        end = "" in node
        alts = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if end else body

    return emit(trie)


def abstract(prepared: str) -> str:
    """``prepared`` with every class mention replaced by its class placeholder."""
    rx, literal = _abstraction()

    def sub(m: re.Match[str]) -> str:
        ph = literal.get(m.group())
        if ph is None:
            ph = chr(0xE010 + int((m.lastgroup or "c0")[1:]))
        return ph

    return rx.sub(sub, prepared)


def _windows(abstracted: str) -> str:
    """Only the placeholders with CTX characters either side, windows joined by the block separator."""
    out = []
    for m in re.finditer("[\ue010-\ue0ff]", abstracted):
        out.append(abstracted[max(0, m.start() - CTX) : m.end() + CTX])
    return _BLOCK.join(out)


def prepare_texts(texts: list[str], features: str = "char") -> list[str]:
    """What the TF-IDF step sees for a feature set (training and the numpy scorer both call this)."""
    if features not in FEATURE_SETS:
        from ..errors import DocscanError

        raise DocscanError("bad_model", f"unknown feature set {features!r}")
    prepped = prepare_many(texts)
    if features == "char":
        return prepped
    prepped = [_PUA.sub("\u25a1", t) for t in prepped]
    # one pass over the joined texts (a mention never spans the separator, which no pattern matches)
    joined = abstract(_SEP.join(prepped)).split(_SEP)
    if len(joined) != len(prepped):
        joined = [abstract(t) for t in prepped]
    if features == "char+abs":
        return [t + _BLOCK + a if t else t for t, a in zip(prepped, joined, strict=True)]
    return [t + _BLOCK + w if w else t for t, w in zip(prepped, (_windows(a) for a in joined), strict=True)]
