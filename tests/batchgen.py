"""Small archives for the batch tests: text we wrote, varied per file; plus the usual bad files.

    from batchgen import make_archive   # tests/ is on sys.path under pytest
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

# The batch tests exercise the runner, not detection: rules only, so they do not depend on the shipped model.
RULES_ONLY = {"model": "none", "use_model": False}
NO_MODEL = ("--model", "none")

SENTENCES = [
    "各村（社区）要建立工作台账，每月底前报送镇综合办。",
    "县督查室每季度对各乡镇开展一次专项督查。",
    "请各单位于每周五下班前填报进度表。",
    "各乡镇要落实属地责任，县有关部门加强指导。",
    "工作不力的，将对主要负责人进行约谈。",
    "网格员每天在平台打卡并上传入户照片。",
    "请于当天下班前将统计数据报县办。",
    "本次会议后，各乡镇要召开专题会议传达部署。",
]


def doc_text(i: int) -> str:
    body = "".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(3))
    return f"关于做好第{i}项重点工作的通知\n各乡镇人民政府：\n{body}\n第{i}号文件附加说明。\n"


def make_archive(root: Path, n_txt: int = 6, *, docx: bool = False, bad: bool = True) -> list[Path]:
    """``n_txt`` distinct text documents (sub-folder included), optional DOCX, and bad files when ``bad``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "sub").mkdir(exist_ok=True)
    paths = []
    for i in range(n_txt):
        p = (root / "sub" if i % 3 == 2 else root) / f"doc{i:03d}.txt"
        p.write_text(doc_text(i), encoding="utf-8")
        paths.append(p)
    if docx:
        import docx as python_docx

        d = python_docx.Document()
        for line in doc_text(999).splitlines():
            d.add_paragraph(line)
        p = root / "word.docx"
        d.save(p)
        paths.append(p)
    if bad:
        (root / "empty.txt").write_bytes(b"")
        (root / "binary.txt").write_bytes(bytes(range(256)) * 8)
        (root / "corrupt.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage\n")
        paths += [root / "empty.txt", root / "binary.txt", root / "corrupt.pdf"]
    return paths


def cli_cmd(*args: str) -> list[str]:
    """The docscan CLI in a fresh interpreter (same venv)."""
    return [sys.executable, "-c", "from docscan.cli import main; main()", *args]


def run_cli(*args: str, env: dict[str, str] | None = None, **kw) -> subprocess.CompletedProcess:
    e = {**os.environ, **(env or {})}
    return subprocess.run(cli_cmd(*args), capture_output=True, text=True, env=e, timeout=120, **kw)


def db_rows(db: Path, sql: str = "SELECT path, sha256, status, report FROM reports") -> list[tuple]:
    if not db.exists():
        return []
    con = sqlite3.connect(db, timeout=30)
    try:
        return con.execute(sql).fetchall()
    except sqlite3.OperationalError:  # tables not created yet
        return []
    finally:
        con.close()


def report_dict(path: str, *, sha: str, issuer: str | None = "X县人民政府办公室", date: str | None = "2024-03-01",
                findings: list[dict] | None = None, score: float = 50.0, burden: dict | None = None,
                genre: str | None = "通知") -> dict:
    """A contract report we write by hand (export/stats tests do not depend on the detection rules)."""
    return {
        "schema": "docscan.report/1", "status": "ok",
        "source": {"path": path, "format": "txt", "sha256": sha, "pages": 2, "chars": 400},
        "metadata": {"title": f"关于{path}的通知", "doc_number": None, "issuer": issuer, "date": date, "genre": genre},
        "summary": {"score": score, "counts": {}, "burden": burden or {"reports_per_year": None,
                                                                       "inspections_per_year": None}},
        "findings": findings or [],
    }


def finding(category: str, rule: str, start: int = 0, severity: str = "high") -> dict:
    return {"category": category, "severity": severity, "confidence": 0.9, "start": start, "end": start + 6,
            "page": 1, "text": "每周报送台账", "sentence": "各村每周报送台账。", "rule": rule, "source": "rule",
            "message": "", "suggestion": "", "reference": ""}


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]
