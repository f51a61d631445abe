"""Regenerate the bundled example DOCX from the .txt beside it (python-docx; written by us)."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor

HERE = Path(__file__).parent


def build(txt: Path) -> Path:
    lines = [ln for ln in txt.read_text(encoding="utf-8").splitlines() if ln.strip()]
    d = Document()
    for i, line in enumerate(lines):
        p = d.add_paragraph()
        run = p.add_run(line)
        run.font.size = Pt(16)
        if i == 0:
            run.font.color.rgb = RGBColor(0xE0, 0x00, 0x00)
            run.font.size = Pt(26)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif i in (1, 2):
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run.bold = i == 2
    out = txt.with_suffix(".docx")
    d.save(out)
    return out


if __name__ == "__main__":
    for t in sorted(HERE.glob("*.txt")):
        print(build(t))
