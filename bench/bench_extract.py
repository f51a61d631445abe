"""Extraction throughput as ratios to floors measured in the same run (``make bench`` → ``python -m bench``).

Inputs are generated in a temp dir (nothing committed): a 100-page Chinese PDF (reportlab, STSong-Light), a
200-page DOCX (python-docx) and a ~1 MB UTF-8 text file. Floors: a bare pypdfium2 ``get_text_range`` loop; a
bare ``zipfile`` + lxml walk collecting ``w:t``; ``read_bytes().decode()`` for TXT.

Two docscan figures per format: ``raw`` = the format extractor (``docscan.extract.extract_raw``: blocks,
kinds, refs) and ``full`` = ``docscan.extract()`` (plus normalize, 公文 metadata and sentences, which other
stages own). Targets: PDF raw ≥ 0.8× floor; a cold one-page ``docscan extract`` ≤ 0.8 s (median of 5).
"""

from __future__ import annotations

import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPEAT = 5

# phrases we wrote for synthetic 公文-like text
_PHRASES = [
    "各乡镇要切实加强组织领导",
    "明确分管负责同志",
    "每月五日前报送工作进展",
    "建立健全工作台账",
    "县级各部门要统筹安排督查检查",
    "原则上每年不超过一次",
    "不得要求基层重复填报数据",
    "确保各项任务落到实处",
    "对工作推进不力的予以通报",
    "进一步精简文件和会议",
    "严格控制发文数量和篇幅",
    "推动基层减负工作常态化",
    "2025年12月31日前完成清理",
    "各村（社区）要如实记录",
    "充分发挥共享平台作用",
    "坚持问题导向和目标导向",
]
_HEADINGS = [
    "一、总体要求",
    "二、主要任务",
    "（一）精简文件会议",
    "（二）规范督查检查",
    "三、保障措施",
    "1.加强组织领导。",
]


def _paragraphs(n: int, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    out: list[str] = []
    for i in range(n):
        if i % 9 == 0:
            out.append(_HEADINGS[(i // 9) % len(_HEADINGS)])
            continue
        k = rnd.randint(3, 9)
        out.append("，".join(rnd.choice(_PHRASES) for _ in range(k)) + "。")
    return out


def make_pdf(path: Path, pages: int = 100) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        from pdfgen import gongwen_pdf
    finally:
        sys.path.pop(0)
    paras: list[str] = []
    n = 60
    while True:  # grow the text until the layout reaches the wanted page count
        paras = _paragraphs(n)
        gongwen_pdf(path, paras, title="关于进一步规范基层工作事项的通知")
        got = _pdf_pages(path)
        if got >= pages:
            return
        n = int(n * pages / max(got, 1) * 1.02) + 1


def _pdf_pages(path: Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def make_docx(path: Path, pages: int = 200) -> None:
    from docx import Document

    d = Document()
    paras = _paragraphs(pages * 5, seed=11)
    for i, p in enumerate(paras):
        d.add_paragraph(p)
        if i % 5 == 4:
            d.add_page_break()
    d.save(path)


def make_txt(path: Path) -> None:
    paras: list[str] = []
    size = 0
    seed = 3
    while size < 1_000_000:
        chunk = _paragraphs(200, seed=seed)
        seed += 1
        paras.extend(chunk)
        size += sum(len(p.encode()) + 1 for p in chunk)
    path.write_text("\n".join(paras) + "\n", encoding="utf-8")


# -- floors ---------------------------------------------------------------------------------------


def floor_pdf(path: Path) -> tuple[int, int]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    chars = 0
    n = len(pdf)
    for i in range(n):
        page = pdf[i]
        tp = page.get_textpage()
        chars += len(tp.get_text_range())
        tp.close()
        page.close()
    pdf.close()
    return n, chars


def floor_docx(path: Path) -> tuple[int, int]:
    import zipfile

    from lxml import etree

    w_t = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    chars = sum(len(t.text or "") for t in root.iter(w_t))
    return 0, chars


def floor_txt(path: Path) -> tuple[int, int]:
    return 1, len(path.read_bytes().decode("utf-8"))


# -- timing ---------------------------------------------------------------------------------------


def _time(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def _compare(floor: Callable[[], object], raw: Callable[[], object], full: Callable[[], object] | None):
    """Interleaved runs (noise hits all three alike); medians."""
    floor(), raw()  # warm caches and imports
    if full:
        full()
    tf, tr, tu = [], [], []
    for _ in range(REPEAT):
        tf.append(_time(floor))
        tr.append(_time(raw))
        if full:
            tu.append(_time(full))
    return statistics.median(tf), statistics.median(tr), (statistics.median(tu) if tu else None)


def _docscan_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("docscan")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("docscan")
    return [found] if found else [sys.executable, "-c", "from docscan.cli import main; main()"]


def cold_extract(path: Path) -> float:
    cmd = [*_docscan_cmd(), "extract", str(path)]
    times = []
    for _ in range(REPEAT):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    import docscan
    from docscan.errors import DocscanError
    from docscan.extract import extract_raw

    rows: list[tuple[str, ...]] = []
    with tempfile.TemporaryDirectory(prefix="docscan-bench-") as tmp:
        d = Path(tmp)
        pdf, docx, txt = d / "bench.pdf", d / "bench.docx", d / "bench.txt"
        make_pdf(pdf)
        make_docx(docx)
        make_txt(txt)
        one = d / "one.pdf"
        sys.path.insert(0, str(ROOT / "tests"))
        from pdfgen import gongwen_pdf

        sys.path.pop(0)
        gongwen_pdf(one, _paragraphs(12), title="关于进一步规范基层工作事项的通知")

        cases = [("pdf", pdf, floor_pdf), ("docx", docx, floor_docx), ("txt", txt, floor_txt)]
        for fmt, path, floor in cases:
            try:
                raw_doc = extract_raw(path)
            except (DocscanError, ModuleNotFoundError) as e:
                rows.append((fmt, "n/a", "", "", "", "", "", f"extractor unavailable: {e}"))
                continue
            pages = raw_doc.source.pages or 1
            chars = sum(len(b.text) for b in raw_doc.iter_blocks())
            try:
                docscan.extract(path)
                full: Callable[[], object] | None = lambda p=path: docscan.extract(p)  # noqa: E731
            except Exception:
                full = None
            tf, tr, tu = _compare(lambda p=path, f=floor: f(p), lambda p=path: extract_raw(p), full)
            rows.append(
                (
                    fmt,
                    str(pages),
                    f"{chars:,}",
                    f"{pages / tf:,.0f}" if fmt != "docx" else "-",
                    f"{pages / tr:,.0f}",
                    f"{chars / tr / 1e6:.2f}",
                    f"{tf / tr:.2f}",
                    f"{tf / tu:.2f}" if tu else "n/a",
                )
            )
        cold = cold_extract(one)

    head = ("format", "pages", "chars", "floor p/s", "raw p/s", "raw Mch/s", "raw÷floor", "full÷floor")
    widths = [max(len(h), *(len(r[i]) for r in rows if i < len(r))) for i, h in enumerate(head)]
    print(f"\nExtraction throughput (medians of {REPEAT}; ratio = docscan speed ÷ floor speed)")
    print("  ".join(h.rjust(w) for h, w in zip(head, widths, strict=True)))
    for r in rows:
        print("  ".join(c.rjust(w) for c, w in zip(r, widths, strict=False)))
    pdf_row = next((r for r in rows if r[0] == "pdf"), None)
    if pdf_row and pdf_row[6]:
        ok = float(pdf_row[6]) >= 0.8
        print(f"PDF raw ÷ floor = {pdf_row[6]} (target ≥ 0.80: {'ok' if ok else 'MISSED'})")
    print(
        f"cold `docscan extract` of a one-page PDF: {cold:.2f} s median (target ≤ 0.80 s: {'ok' if cold <= 0.8 else 'MISSED'})"
    )


if __name__ == "__main__":
    main()
