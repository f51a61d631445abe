"""``--format html``: one self-contained page; every document string escaped; highlights linked to cards."""

from __future__ import annotations

import html as htmllib
import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner
from markupsafe import escape
from test_render_common import (
    HOSTILE_IMG,
    HOSTILE_SCRIPT,
    SAMPLE,
    fake_detector,
    make_finding,
    make_report,
    phrase_report,
)

import docscan
from docscan.cli import cli
from docscan.config import Config
from docscan.render.html import render_html

HOSTILE_TEXT = (
    f"关于{HOSTILE_SCRIPT}开展检查的通知\n"
    f"各村要建立工作台账{HOSTILE_IMG}，每月开展一次督查检查。\n"
    "<script>alert(1)</script>各乡镇实行一票否决<img src=x onerror=alert(1)>。\n"
)


def hostile_report():
    doc = docscan.extract(text=HOSTILE_TEXT)
    r = phrase_report(doc)
    r.metadata["title"] = HOSTILE_SCRIPT + "通知"
    r.findings[0].message = HOSTILE_IMG
    r.findings[1].suggestion = HOSTILE_SCRIPT
    r.findings[0].reference = "<img src=x onerror=alert(1)>"
    r.analysis = {"duties": [{"actor": HOSTILE_SCRIPT, "duty": "报送台账"}]}
    r.warnings = [HOSTILE_IMG]
    return r


def test_hostile_strings_are_escaped():
    page = render_html([hostile_report()], Config())
    # the only <script> is ours (one, at the end); no document string became markup
    assert page.count("<script") == 1
    assert "<img" not in page
    for bad in (HOSTILE_SCRIPT, HOSTILE_IMG, "<img src=x onerror=alert(1)>"):
        assert bad not in page
        assert str(escape(bad)) in page
    assert "Content-Security-Policy" in page


def test_highlights_link_to_cards_and_cover_the_text():
    doc = docscan.extract(text=SAMPLE)
    fs = [
        make_finding(doc, "ledger_demand", "建立工作台账，每周五前将工作进展"),
        make_finding(doc, "deadline_pressure", "每周五前", "low"),  # nested
        make_finding(doc, "repeated_inspection", "工作进展、影像资料", "medium"),  # overlaps the first
        make_finding(doc, "accountability_pressure", "一票否决"),
    ]
    page = render_html([make_report(doc, fs)], Config())
    cards = re.findall(r'<article class="card c-(\w+)" id="(d0-f\d+)"', page)
    assert len(cards) == 4
    # every finding has a card, a text anchor, and at least one highlight that names it
    for _cat, fid in cards:
        assert f'id="{fid}-t"' in page
        assert re.search(rf'<a class="hl[^"]*" href="#[^"]+" data-f="[^"]*\b{fid}\b', page)
        assert f'href="#{fid}-t"' in page
    # the highlighted text, tags stripped, is exactly the document text (nothing lost or duplicated)
    text_part = page.split('<div class="text"', 1)[1].split('<div class="list">', 1)[0]
    paras = re.findall(r"<p class=\"k-\w+\">(.*?)</p>", text_part, flags=re.S)
    plain = "\n".join(htmllib.unescape(re.sub(r"<[^>]+>", "", p)) for p in paras)
    assert plain == doc.text
    # a segment covered by two findings is marked as such and coloured by the most severe one
    seg = re.search(r'<a class="hl c-(\w+) sev-(\w+) multi"[^>]*data-f="([^"]+)"[^>]*>每周五前</a>', page)
    assert seg and seg.group(1) == "ledger_demand" and len(seg.group(3).split()) == 2
    # filters for the categories present
    for cat in ("ledger_demand", "deadline_pressure", "repeated_inspection", "accountability_pressure"):
        assert f'data-cat="{cat}"' in page


def test_several_reports_one_page_with_index(tmp_path):
    from docscan.errors import DocscanError
    from docscan.report import error_report

    a = phrase_report(docscan.extract(text=SAMPLE))
    b = hostile_report()
    bad = error_report(str(tmp_path / "gone.pdf"), DocscanError("not_found", "gone.pdf"))
    page = render_html([a, b, bad], Config())
    assert '<nav class="index">' in page
    for i in range(3):
        assert f'<section class="doc" id="d{i}">' in page and f'href="#d{i}"' in page
    assert 'id="d1-f1"' in page and "not_found" in page


def test_analysis_tables_when_present():
    r = phrase_report(docscan.extract(text=SAMPLE))
    r.analysis = {
        "duties": [{"actor": "各村", "duty": "报送台账", "concrete": True}, {"actor": "县农业农村局", "duty": "加强指导"}],
        "regulation_checks": [{"provision": "文件不超过5000字", "ok": False}],
    }
    page = render_html([r], Config())
    assert "<h2>职责矩阵</h2>" in page and "<h2>对照中央规定</h2>" in page
    assert "<th>actor</th>" in page and "<td>县农业农村局</td>" in page and "<td>是</td>" in page


def test_cli_html_output_file(tmp_path, monkeypatch):
    fake_detector(monkeypatch)
    src = tmp_path / "a.txt"
    src.write_text(SAMPLE, encoding="utf-8")
    out = tmp_path / "r.html"
    res = CliRunner().invoke(cli, ["scan", str(src), "--format", "html", "-o", str(out)])
    assert res.exit_code == 0, res.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count('<article class="card') == 6
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page  # no CDN


# -- a real browser -----------------------------------------------------------------------------------

CHROMIUM = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if shutil.which(p)), None)


def _chromium(args: list[str], tmp_path) -> subprocess.CompletedProcess:
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--no-first-run", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
           *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium not installed (/usr/bin/chromium)")
def test_browser_runs_no_injected_script(tmp_path):
    page = tmp_path / "r.html"
    report = hostile_report()
    page.write_text(render_html([report], Config()), encoding="utf-8")
    res = _chromium(["--virtual-time-budget=3000", "--dump-dom", page.as_uri()], tmp_path)
    dom = res.stdout
    assert "<title>" in dom, res.stderr[-2000:]
    title = re.search(r"<title>(.*?)</title>", dom, flags=re.S).group(1)
    assert title.strip() not in ("PWNED", "PWNED2")  # what the injected scripts would have set
    assert "&lt;script&gt;document.title" in title  # shown as text instead
    assert dom.count('class="card ') == len(report.findings) == 3
    assert 'data-docscan="ready"' in dom  # our script ran without errors
    assert "<img" not in dom
    shot = tmp_path / "shot.png"
    _chromium(["--window-size=1280,900", f"--screenshot={shot}", page.as_uri()], tmp_path)
    assert shot.is_file() and shot.stat().st_size > 10_000
