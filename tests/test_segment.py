"""Sentences, clauses, tokens and the spaCy Doc."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys

import pytest

import docscan
from docscan.segment import spacy_doc, split_sentences, tokenize


def _sents(text: str) -> list[str]:
    return [text[s.start:s.end] for s in split_sentences(text)]


def _clauses(text: str) -> list[list[str]]:
    return [[text[a:b] for a, b in s.clauses] for s in split_sentences(text)]


def test_sentences_end_at_stops_and_line_ends():
    text = "各村要建立台账。请按时报送！是否完成？一是建立制度；二是落实责任\n二、工作要求\n"
    assert _sents(text) == ["各村要建立台账。", "请按时报送！", "是否完成？", "一是建立制度；", "二是落实责任", "二、工作要求"]


def test_closing_quote_and_bracket_stay_with_the_sentence():
    text = "他强调：“各村要建立台账。”随后会议结束。（此件公开发布。）"
    assert _sents(text) == ["他强调：“各村要建立台账。”", "随后会议结束。", "（此件公开发布。）"]


def test_no_split_inside_book_title_or_running_quote():
    text = "根据《关于精简文件。会议的通知》要求，落实“不发文。不开会”的规定。下一句。"
    assert _sents(text) == ["根据《关于精简文件。会议的通知》要求，落实“不发文。不开会”的规定。", "下一句。"]


def test_quote_followed_by_de_continues_the_sentence():
    text = "落实“各村要建立台账。”的要求，按月报送。"
    assert _sents(text) == [text]


def test_very_long_quote_is_split():
    inner = "各村要建立台账。" * 40  # 320 chars, beyond the quote limit
    text = "“" + inner + "”"
    assert len(_sents(text)) > 1


def test_clauses_at_comma_and_colon_pivot_starts_a_clause():
    text = "各乡镇要加强指导，但是各村仍须建立台账，同时每月报送：包括照片、视频。"
    assert _clauses(text) == [["各乡镇要加强指导，", "但是各村仍须建立台账，", "同时每月报送：", "包括照片、视频。"]]


def test_no_clause_split_inside_book_title():
    text = "印发《关于精简文件，减少会议的意见》，请遵照执行。"
    assert _clauses(text) == [["印发《关于精简文件，减少会议的意见》，", "请遵照执行。"]]


def test_sentence_offsets_cover_text_without_overlap():
    text = docscan.extract(text="关于开展检查的通知\n各村：\n请于每周五前报送台账，逾期通报。二、要求\n").text
    sents = split_sentences(text)
    for a, b in itertools.pairwise(sents):
        assert a.end <= b.start
    for s in sents:
        assert text[s.start:s.end].strip() == text[s.start:s.end]
        assert s.clauses[0][0] == s.start and s.clauses[-1][1] == s.end


def test_huge_text_without_punctuation_is_cut_into_bounded_sentences():
    text = "各村要建立台账并按时报送材料" * 50000
    sents = split_sentences(text)
    assert sum(s.end - s.start for s in sents) == len(text)
    assert max(s.end - s.start for s in sents) <= 1000


def test_extract_attaches_sentences():
    doc = docscan.extract(text="各村要建立台账。请按时报送。\n")
    assert [doc.text[s.start:s.end] for s in doc.sentences] == ["各村要建立台账。", "请按时报送。"]


def test_tokens_have_offsets_and_keep_domain_words():
    text = "各乡镇要开展督查检查考核和“回头看”，做到一户一档，实行一票否决，压实责任，以上报告请查收。"
    toks = tokenize(text)
    assert all(text[s:e] == w for w, s, e in toks)
    assert "".join(w for w, _, _ in toks) == text
    words = {w for w, _, _ in toks}
    assert {"督查检查考核", "回头看", "一户一档", "一票否决", "压实责任"} <= words
    assert "上报" not in words  # 以上/报告, not 以/上报/告


def test_tokenize_empty():
    assert tokenize("") == []


def test_spacy_doc_has_the_same_token_boundaries():
    pytest.importorskip("spacy")
    text = "各村（社区）要建立工作台账，每周 APP 打卡。"
    doc = spacy_doc(text)
    assert doc.text == text
    assert [(t.idx, t.idx + len(t.text)) for t in doc] == [(s, e) for _, s, e in tokenize(text)]


def test_import_loads_no_tokenizer_or_spacy():
    code = ("import sys, docscan.segment, docscan.normalize, docscan.gongwen;"
            "print(sorted(m for m in ('jieba', 'rjieba', 'spacy', 'opencc') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_jieba_fallback_gives_the_same_tokens():
    text = "各村（社区）要建立工作台账，做到一户一档，县里每月暗访一次并开展回头看。"
    code = "import sys, docscan.segment as s; print(s.backend_name(), s.tokenize(sys.argv[1]))"
    outs = []
    for backend in ("rjieba", "jieba"):
        env = {**os.environ, "DOCSCAN_TOKENIZER": backend}
        r = subprocess.run([sys.executable, "-c", code, text], capture_output=True, text=True, check=True, env=env)
        name, _, toks = r.stdout.strip().partition(" ")
        assert name == backend
        outs.append(toks)
    assert outs[0] == outs[1]
