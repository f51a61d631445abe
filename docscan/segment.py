"""Sentences, clauses and tokens over the normalized text.

* :func:`split_sentences` — sentences end at 。！？；(+ closing quotes/brackets) and at line ends (every block
  and every list item is its own line after normalize); a full stop inside 《》 or “” does not end the sentence
  unless the quote closes right after it or runs very long. Clauses split at every ，and ：outside 《》/“”
  (so a pivot after a comma — ，但/但是/同时/并/另外/此外/仍/其中 — starts its own clause); 、 lists stay whole.
  One regex pass over the punctuation only: linear time.
* :func:`tokenize` — ``(word, start, end)`` with the domain dictionary ``data/userdict.txt``.
* :func:`spacy_doc` — a spaCy ``Doc`` on exactly those tokens, for Matcher/PhraseMatcher users.

Tokenizer backend, chosen by measurement (2-core machine shared with other jobs, so noisy; our example notice
repeated to 1 MB = 333 k chars, 3 fresh processes each; ``python -m docscan.segment`` reruns it):

    rjieba 0.2.2 (jieba-rs), HMM on:  1.3 / 1.8 / 3.7 M chars/s;  import + user dictionary 0.3–0.45 s
    jieba 0.42.1, HMM on:             0.08 / 0.13 / 0.22 M chars/s; import + dictionary 1.0–2.2 s
    token boundaries identical on that text (14,550 tokens each, both with the user dictionary)

so rjieba is the default (``add_word`` takes the user dictionary); jieba is the fallback when rjieba is missing
(``DOCSCAN_TOKENIZER=jieba`` forces it). Nothing is loaded on import: dictionaries load on the first call.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from importlib import resources
from typing import Any

from .document import Sentence

_TERMINAL = "。！？!?；;"
_CLOSE = "”’」』）)】〕》"
_OPEN_Q = {"“": "”", "《": "》", "「": "」", "『": "』"}
_CLOSE_Q = {v: k for k, v in _OPEN_Q.items()}
# Only the characters that can change state are visited.
_SCAN = re.compile(r"[。！？!?；;\n“”《》「」『』]")
_CLAUSE = re.compile(r"[，,：:]")
MAX_QUOTE = 200  # a quotation this long is treated as running text: its full stops end sentences
MAX_SENTENCE = 1000  # longer sentences (no punctuation for pages) are cut at a comma or hard


def split_sentences(text: str) -> list[Sentence]:
    out: list[Sentence] = []
    start = 0
    stack: list[tuple[str, int]] = []  # open quotes/titles with their positions
    n = len(text)
    for m in _SCAN.finditer(text):
        ch = m.group()
        i = m.start()
        if ch == "\n":
            _add(out, text, start, i)
            start = i + 1
            stack.clear()
            continue
        if ch in _OPEN_Q:
            stack.append((ch, i))
            continue
        if ch in _CLOSE_Q:
            # pop to the matching opener (tolerates unbalanced marks)
            for k in range(len(stack) - 1, -1, -1):
                if stack[k][0] == _CLOSE_Q[ch]:
                    del stack[k:]
                    break
            continue
        # terminal punctuation
        if stack and i - stack[-1][1] < MAX_QUOTE:
            # inside a quote: only "。”" (stop right before the closing mark) ends the sentence
            j = i + 1
            while j < n and text[j] in _TERMINAL:
                j += 1
            if j < n and text[j] in _CLOSE and text[j] in _CLOSE_Q:
                k = j
                while k < n and text[k] in _CLOSE:
                    k += 1
                # the sentence continues when the quote is followed by more of the same clause (“…。”的要求)
                if k < n and text[k] not in "\n" and not _starts_new(text, k):
                    continue
                stack.clear()
                _add(out, text, start, k)
                start = k
            continue
        if i < start:
            continue  # already consumed by a closing-quote end
        j = i + 1
        while j < n and (text[j] in _TERMINAL or text[j] in _CLOSE):
            j += 1
        _add(out, text, start, j)
        start = j
        stack.clear()
    if start < n:
        _add(out, text, start, n)
    return out


def _starts_new(text: str, k: int) -> bool:
    """After a closing quote: does a new sentence start here (rather than the clause going on)?"""
    return text[k] not in "的地得之等和与及或，,、：:）)"


def _add(out: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return
    while end - start > MAX_SENTENCE:
        cut = max(text.rfind("，", start, start + MAX_SENTENCE), text.rfind(",", start, start + MAX_SENTENCE))
        cut = cut + 1 if cut > start else start + MAX_SENTENCE
        out.append(Sentence(start=start, end=cut, clauses=_clauses(text, start, cut)))
        start = cut
    out.append(Sentence(start=start, end=end, clauses=_clauses(text, start, end)))


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    clauses: list[tuple[int, int]] = []
    cs = start
    depth = 0
    pos = start
    for m in _CLAUSE.finditer(text, start, end):
        # no clause split inside 《…》 titles or “…” quotations
        seg = text[pos:m.start()]
        depth += seg.count("《") + seg.count("“") - seg.count("》") - seg.count("”")
        pos = m.start()
        if depth > 0:
            continue
        depth = 0
        if m.end() - cs > 1:
            clauses.append((cs, m.end()))
            cs = m.end()
    if cs < end:
        if clauses and end - cs <= 1:  # a lone trailing mark joins the previous clause
            clauses[-1] = (clauses[-1][0], end)
        else:
            clauses.append((cs, end))
    return clauses


# --- tokenizer -----------------------------------------------------------------------------------------------
def _userdict() -> list[tuple[str, int | None, str | None]]:
    words = []
    text = resources.files("docscan.data").joinpath("userdict.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        tag = parts[2] if len(parts) > 2 else None
        words.append((parts[0], freq, tag))
    return words


def backend_name() -> str:
    return _tokenizer()[0]


@lru_cache(maxsize=1)
def _tokenizer() -> tuple[str, Any]:
    """(name, tokenize function) — built once per process on first use."""
    want = os.environ.get("DOCSCAN_TOKENIZER", "rjieba")
    if want != "jieba":
        try:
            import rjieba

            jb = rjieba.Jieba()
            for word, freq, tag in _userdict():
                if not jb.has_word(word):  # never re-weight the tokenizer's own words (以上/报告)
                    jb.add_word(word, freq, tag)
            return "rjieba", lambda text: jb.tokenize(text, hmm=True)
        except ImportError:
            pass
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    for word, freq, tag in _userdict():
        if word not in tk.FREQ or not tk.FREQ[word]:
            tk.add_word(word, freq, tag)
    return "jieba", lambda text: list(tk.tokenize(text, HMM=True))


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """Words with character offsets into ``text``: ``[(word, start, end), ...]``."""
    if not text:
        return []
    return [(w, s, e) for w, s, e in _tokenizer()[1](text)]


# --- spaCy ---------------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _nlp() -> Any:
    import spacy
    from spacy.tokens import Doc

    nlp = spacy.blank("xx")  # language-neutral: spaCy's "zh" would set up its own segmenter

    class _Tokenizer:
        """Builds the Doc on docscan's tokens so spaCy and detectors agree on boundaries."""

        def __init__(self, vocab: Any) -> None:
            self.vocab = vocab

        def __call__(self, text: str) -> Any:
            words = [w for w, _, _ in tokenize(text)] or [text]
            if not text:
                words = []
            return Doc(self.vocab, words=words, spaces=[False] * len(words))

    nlp.tokenizer = _Tokenizer(nlp.vocab)
    return nlp


def spacy_doc(text: str) -> Any:
    """A spaCy ``Doc`` whose tokens are exactly :func:`tokenize`'s (``doc.text == text``)."""
    return _nlp()(text)


def _bench(path: str | None = None, size: int = 1_000_000) -> None:  # pragma: no cover - manual measurement
    import subprocess
    import sys

    code = (
        "import time,sys;t=time.perf_counter();import docscan.segment as s;"
        "txt=open(sys.argv[1],encoding='utf-8').read();n=int(sys.argv[2]);"
        "txt=(txt*(n//len(txt.encode())+1))[: n//3];"
        "s.tokenize('预热');t1=time.perf_counter();s.tokenize(txt);t2=time.perf_counter();"
        "print(s.backend_name(), len(txt), round(t1-t,3), round(len(txt)/(t2-t1)/1e6,3), 'M chars/s')"
    )
    path = path or str(resources.files("docscan").joinpath("../examples").resolve() / "县关于开展农村人居环境整治工作的通知.txt")
    for backend in ("rjieba", "jieba"):
        env = {**os.environ, "DOCSCAN_TOKENIZER": backend}
        subprocess.run([sys.executable, "-c", code, path, str(size)], env=env, check=False)


if __name__ == "__main__":  # pragma: no cover
    import sys

    _bench(sys.argv[1] if len(sys.argv) > 1 else None)
