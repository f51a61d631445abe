"""Legacy .doc/.wps: the no-converter error always; conversion through a stand-in ``soffice`` script (and the
real LibreOffice when it is installed)."""

from __future__ import annotations

import importlib.util
import shutil
import stat
import sys

import pytest
from click.testing import CliRunner

import docscan
from docscan.cli import cli
from docscan.config import Config

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
HAS_DOCX_READER = importlib.util.find_spec("docscan.extract.docx") is not None
TEXT = "各村（社区）不得重复报送同一数据。"

# A stand-in for soffice: honours --outdir and writes <stem>.docx (a copy of $FAKE_DOCX), or fails/sleeps.
FAKE_SOFFICE = """#!{python}
import os, shutil, sys, time
args = sys.argv[1:]
mode = os.environ.get("FAKE_MODE", "ok")
if mode == "fail":
    sys.stderr.write("Error: source file could not be loaded\\n")
    sys.exit(1)
if mode == "sleep":
    time.sleep(60)
out = args[args.index("--outdir") + 1]
src = args[-1]
os.makedirs(out, exist_ok=True)
shutil.copyfile(os.environ["FAKE_DOCX"], os.path.join(out, os.path.splitext(os.path.basename(src))[0] + ".docx"))
"""


def _ole(tmp_path, name="旧文件.doc"):
    p = tmp_path / name
    p.write_bytes(OLE2)
    return p


@pytest.fixture
def fake_soffice(tmp_path, monkeypatch):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    exe = bindir / "soffice"
    exe.write_text(FAKE_SOFFICE.format(python=sys.executable), encoding="utf-8")
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", str(bindir))
    return monkeypatch


@pytest.mark.parametrize("name", ["旧文件.doc", "旧文件.wps"])
def test_no_converter(tmp_path, monkeypatch, name):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    res = CliRunner().invoke(cli, ["extract", str(_ole(tmp_path, name))])
    assert res.exit_code == 2
    assert "legacy_no_converter" in res.stderr and "LibreOffice" in res.stderr
    assert "Traceback" not in res.output


def test_converter_failure_is_reported(tmp_path, fake_soffice):
    fake_soffice.setenv("FAKE_MODE", "fail")
    res = CliRunner().invoke(cli, ["extract", str(_ole(tmp_path))])
    assert res.exit_code == 2
    assert "legacy_convert_failed" in res.stderr and "could not be loaded" in res.stderr


def test_converter_timeout(tmp_path, fake_soffice):
    fake_soffice.setenv("FAKE_MODE", "sleep")
    with pytest.raises(docscan.errors.DocscanError) as e:
        docscan.extract(_ole(tmp_path), config=Config(timeout_s=1))
    assert e.value.code == "legacy_convert_failed" and "timed out" in e.value.detail


@pytest.mark.skipif(not HAS_DOCX_READER, reason="the DOCX extractor (docscan.extract.docx) is not there yet")
def test_conversion_feeds_docx_reader(tmp_path, fake_soffice):
    from docx import Document

    made = tmp_path / "made.docx"
    d = Document()
    d.add_paragraph(TEXT)
    d.save(made)
    fake_soffice.setenv("FAKE_DOCX", str(made))
    doc = docscan.extract(_ole(tmp_path, "旧文件.wps"))
    assert TEXT in doc.text
    assert doc.source.format == "wps"
    assert doc.source.extractor.startswith("libreoffice+")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.skipif(not HAS_DOCX_READER, reason="the DOCX extractor (docscan.extract.docx) is not there yet")
def test_real_libreoffice_roundtrip(tmp_path):
    import subprocess

    from docx import Document

    made = tmp_path / "made.docx"
    d = Document()
    d.add_paragraph(TEXT)
    d.save(made)
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "doc",
            "--outdir",
            str(tmp_path),
            str(made),
        ],
        check=True,
        timeout=120,
        capture_output=True,
    )
    assert TEXT in docscan.extract(tmp_path / "made.doc").text
