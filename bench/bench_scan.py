"""Scan speed vs bare jieba, side by side in one run (``python -m bench.bench_scan [--text-dir DIR]``).

1. Dense synthetic (worst case): ~1 MB (UTF-8) of our example notice repeated with varied actors, numbers and
   frequencies — every line a demand, far denser in findings than real directives. Time ``jieba.lcut`` of the
   text (the floor), ``docscan.scan(text=…)`` rules only and with the default config (model fused when one
   ships), and each stage alone (extract+normalize, gongwen, segment, detect, quantify); print each as a ratio
   to the floor (whole scan target ≤ 1.5×; the model's share target ≤ +20 %).
2. Real directive text, with ``--text-dir DIR``: the ``*.txt`` files under DIR (sorted, recursive) up to ~1 MB,
   scanned as one document and one scan per file, each against jieba on the same text. Nothing from DIR is
   stored or printed, only timings.
3. Our documents (typical directive density, between the dense worst case and real text): the project's own
   written documents (``corpora/docs/**/*.txt``, sorted) joined and repeated whole to ~1 MB, scanned as one
   document against jieba on the same text.
4. Cold start: ``docscan scan`` of a one-page file in a fresh process vs
   ``python -c "import jieba; jieba.lcut('测试')"`` (target ≤ 1.2×); medians of a few runs.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "县关于开展农村人居环境整治工作的通知.txt"
FALLBACK = (
    "各村（社区）要建立人居环境整治台账，做到一户一档，每月底前将纸质版和电子版报镇农业服务中心备查。\n"
    "请各乡镇（街道）于每周五12时前填报《人居环境整治进度周报表》，实行零报告制度，逾期未报的予以通报。\n"
    "县专项办每月以“四不两直”方式暗访一次，第二季度组织“回头看”，对问题突出的乡镇挂牌督办。\n"
    "县住建局加强业务指导，各乡镇（街道）落实属地责任，对辖区农村危房开展全面排查并兜底负责。\n"
    "凡能从“一表通”平台共享获取的数据，县直各部门不得再要求乡镇重复填报。\n"
)
ACTORS = ["各村（社区）", "各乡镇（街道）", "网格员", "各镇", "全体村干部", "驻村工作队", "各社区", "村党组织"]
FREQS = ["每周", "每月", "每日", "每季度", "每旬", "每半月", "每两个月", "每年"]


def directive_text(target_bytes: int = 1_000_000, seed: int = 7) -> str:
    base = EXAMPLE.read_text(encoding="utf-8") if EXAMPLE.exists() else FALLBACK
    lines = [ln for ln in base.splitlines() if ln.strip()]
    rng = random.Random(seed)
    out: list[str] = []
    size = 0
    while size < target_bytes:
        ln = rng.choice(lines)
        for a in ("各村（社区）", "各乡镇（街道）", "网格员", "各乡镇"):
            if a in ln:
                ln = ln.replace(a, rng.choice(ACTORS), 1)
                break
        for f in ("每周", "每月", "每天"):
            if f in ln:
                ln = ln.replace(f, rng.choice(FREQS), 1)
                break
        ln = ln.replace("30分钟", f"{rng.randint(10, 90)}分钟").replace("200万元", f"{rng.randint(5, 500)}万元")
        out.append(ln)
        size += len(ln.encode("utf-8")) + 1
    return "\n".join(out)


# wall-clock by default; ``--cpu`` times this process's CPU (time.process_time): on a machine shared with other
# jobs the wall-clock ratios swing by ±50 % between runs, CPU time far less (a scan and jieba are single-threaded)
CLOCK = time.perf_counter


def _best(fn, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t = CLOCK()
        fn()
        times.append(CLOCK() - t)
    return min(times)


def warm_ratio(text: str, runs: int = 3) -> dict[str, float]:
    """Best-of-``runs`` seconds: jieba floor, whole scans (rules only / default config), and each stage alone."""
    import jieba

    import docscan
    from docscan import gongwen, segment
    from docscan.detect import detect
    from docscan.extract import extract_text_raw
    from docscan.normalize import normalize
    try:
        from docscan.pipeline import _gc_paused
    except ImportError:  # an older checkout, for before/after runs
        from contextlib import nullcontext as _gc_paused
    from docscan.quantify import quantify

    rules, default, has_model = _warm(text)

    doc = docscan.extract(text=text)
    detection = detect(doc, rules)

    def paused(fn):  # stages timed the way scan_document runs them (no cyclic GC)
        def run():
            with _gc_paused():
                fn()
        return run

    out: dict[str, float] = {"chars": len(text)}
    out["jieba_s"] = _best(lambda: jieba.lcut(text), runs)
    out["scan_s"] = _best(lambda: docscan.scan(text=text, config=rules), runs)
    out["scan_default_s"] = _best(lambda: docscan.scan(text=text, config=default), runs) if has_model else float("nan")
    out["extract_normalize_s"] = _best(paused(lambda: normalize(extract_text_raw(text, "<bench>", rules), rules)), runs)
    out["gongwen_s"] = _best(paused(lambda: gongwen.parse(doc)), runs)
    out["segment_s"] = _best(paused(lambda: segment.split_sentences(doc.text)), runs)
    out["detect_s"] = _best(paused(lambda: detect(doc, rules)), runs)
    def fresh_quantify():  # no reuse of the facts detection built for this same document
        from docscan.quantify import facts

        if hasattr(facts, "_last"):
            facts._last.slot = None
        quantify(doc, detection, rules)

    out["quantify_s"] = _best(paused(fresh_quantify), runs)
    return out


STAGES = ("extract_normalize", "gongwen", "segment", "detect", "quantify")


def read_text_dir(root: str | Path, target_bytes: int = 1_000_000) -> list[str]:
    """Texts of the ``*.txt`` files under ``root`` (sorted, recursive) until ~``target_bytes`` of UTF-8: whole
    files; UTF-8 or GB18030; empty and undecodable files skipped."""
    out: list[str] = []
    size = 0
    for p in sorted(Path(root).rglob("*.txt")):
        if size >= target_bytes:
            break
        raw = p.read_bytes()
        for enc in ("utf-8-sig", "gb18030"):
            try:
                t = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            continue
        if t.strip():
            out.append(t)
            size += len(t.encode("utf-8"))
    return out


def real_ratio(texts: list[str], runs: int = 3) -> dict[str, float]:
    """Best-of-``runs`` seconds on real text: jieba / rules only / default config, as one document (the texts
    joined) and as one scan per text (summed; jieba likewise per text). A text docscan refuses (no text) is
    skipped on both sides."""
    import jieba

    import docscan
    from docscan.config import Config
    from docscan.errors import DocscanError

    rules, default = Config(use_model=False), Config()
    jieba.lcut("预热")
    ok: list[str] = []
    for t in texts:
        try:
            docscan.scan(text=t, config=rules)
            ok.append(t)
        except DocscanError:
            continue
    try:
        docscan.scan(text=ok[0][:2000], config=default)
        has_model = True
    except Exception:  # no shipped model in this checkout
        has_model = False
    joined = "\n".join(ok)

    def each(fn):
        return lambda: [fn(t) for t in ok]

    out: dict[str, float] = {"files": len(ok), "chars": len(joined)}
    out["jieba_s"] = _best(lambda: jieba.lcut(joined), runs)
    out["scan_s"] = _best(lambda: docscan.scan(text=joined, config=rules), runs)
    out["scan_default_s"] = _best(lambda: docscan.scan(text=joined, config=default), runs) if has_model \
        else float("nan")
    out["jieba_each_s"] = _best(each(jieba.lcut), runs)
    out["scan_each_s"] = _best(each(lambda t: docscan.scan(text=t, config=rules)), runs)
    out["scan_default_each_s"] = _best(each(lambda t: docscan.scan(text=t, config=default)), runs) if has_model \
        else float("nan")
    return out


DOCS = ROOT / "corpora" / "docs"


def our_documents_text(target_bytes: int = 1_000_000) -> str:
    """``corpora/docs/**/*.txt`` (texts we wrote), joined and repeated whole until ~``target_bytes`` of UTF-8;
    empty when there are none."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(DOCS.rglob("*.txt"))]
    joined = "\n".join(t.strip("\n") for t in texts if t.strip())
    if not joined:
        return ""
    n = -(-target_bytes // len(joined.encode("utf-8")))  # ceil
    return "\n".join([joined] * n)


def _warm(text: str) -> tuple[Any, Any, bool]:
    """Warm jieba and both scan configs on the text's head: (rules-only config, default config, has a model)."""
    import jieba

    import docscan
    from docscan.config import Config

    rules, default = Config(use_model=False), Config()
    jieba.lcut("预热")
    docscan.scan(text=text[:2000], config=rules)
    try:
        docscan.scan(text=text[:2000], config=default)
        return rules, default, True
    except Exception:  # no shipped model in this checkout: report rules-only figures
        return rules, default, False


def doc_ratio(text: str, runs: int = 3) -> dict[str, float]:
    """Best-of-``runs`` seconds on one text scanned as one document: jieba / rules only / default config."""
    import jieba

    import docscan

    rules, default, has_model = _warm(text)
    out: dict[str, float] = {"chars": len(text)}
    out["jieba_s"] = _best(lambda: jieba.lcut(text), runs)
    out["scan_s"] = _best(lambda: docscan.scan(text=text, config=rules), runs)
    out["scan_default_s"] = _best(lambda: docscan.scan(text=text, config=default), runs) if has_model \
        else float("nan")
    return out


def _print_rows(label: str, jieba_s: float, rules_s: float, default_s: float) -> None:
    model = (default_s - rules_s) / rules_s * 100
    print(f"  {label:<28} jieba {jieba_s:.2f}s | rules only {rules_s:.2f}s = {rules_s / jieba_s:.2f}x | "
          f"with model {default_s:.2f}s = {default_s / jieba_s:.2f}x (model {model:+.0f} %)")


def cold_ratio(runs: int = 5) -> dict[str, float]:
    exe = Path(sys.executable)
    docscan_cli = exe.parent / "docscan"
    base = EXAMPLE.read_text(encoding="utf-8") if EXAMPLE.exists() else FALLBACK
    with tempfile.TemporaryDirectory() as d:
        page = Path(d) / "page.txt"
        page.write_text(base[:1500], encoding="utf-8")
        scan_cmd = [str(docscan_cli), "scan", str(page), "--format", "json"] if docscan_cli.exists() else \
            [str(exe), "-m", "docscan.cli", "scan", str(page), "--format", "json"]
        jieba_cmd = [str(exe), "-c", "import jieba; jieba.lcut('测试')"]
        ts, tj = [], []
        for _ in range(runs):  # interleaved, so machine noise hits both
            t = time.perf_counter()
            subprocess.run(scan_cmd, capture_output=True, check=False)
            ts.append(time.perf_counter() - t)
            t = time.perf_counter()
            subprocess.run(jieba_cmd, capture_output=True, check=False)
            tj.append(time.perf_counter() - t)
    s, j = statistics.median(ts), statistics.median(tj)
    return {"scan_cold_s": s, "jieba_cold_s": j, "ratio": s / j}


def main(argv: list[str] | None = None, text_dir: str | None = None) -> None:
    ap = argparse.ArgumentParser(prog="bench_scan", description=__doc__.splitlines()[0])
    ap.add_argument("--text-dir", default=text_dir,
                    help="also time real directive text: *.txt under this directory, up to ~1 MB")
    ap.add_argument("--cpu", action="store_true", help="time CPU seconds of this process instead of wall-clock "
                    "(steadier on a shared machine; the cold-start row stays wall-clock)")
    args = ap.parse_args(argv or [])
    global CLOCK
    CLOCK = time.process_time if args.cpu else time.perf_counter
    text = directive_text()
    w = warm_ratio(text)
    j = w["jieba_s"]
    print(f"bench_scan warm, dense synthetic (worst case): {w['chars']:.0f} chars (~1 MB), best of 3; "
          f"jieba.lcut floor {j:.2f}s")
    print(f"  docscan.scan rules only (use_model=False) {w['scan_s']:.2f}s = {w['scan_s'] / j:.2f}x (target <= 1.5x)")
    print(f"  docscan.scan default config              {w['scan_default_s']:.2f}s = {w['scan_default_s'] / j:.2f}x"
          f" (model {(w['scan_default_s'] - w['scan_s']) / w['scan_s'] * 100:+.0f} %, target <= +20 %)")
    for st in STAGES:
        print(f"  stage {st:<18} {w[st + '_s']:.2f}s = {w[st + '_s'] / j:.2f}x")
    if args.text_dir:
        texts = read_text_dir(args.text_dir)
        if not texts:
            print(f"bench_scan real text: no *.txt under {args.text_dir}")
        else:
            r = real_ratio(texts)
            print(f"bench_scan warm, real directive text: {r['files']:.0f} files, {r['chars']:.0f} chars, best of 3")
            _print_rows("as one document", r["jieba_s"], r["scan_s"], r["scan_default_s"])
            _print_rows("one scan per file", r["jieba_each_s"], r["scan_each_s"], r["scan_default_each_s"])
    docs_text = our_documents_text()
    if docs_text:
        d = doc_ratio(docs_text)
        print(f"bench_scan warm, our documents (corpora/docs, typical density): {d['chars']:.0f} chars (~1 MB), "
              "best of 3")
        _print_rows("as one document", d["jieba_s"], d["scan_s"], d["scan_default_s"])
    c = cold_ratio()
    print(f"bench_scan cold: docscan scan one page {c['scan_cold_s']:.2f}s, python -c 'import jieba; "
          f"jieba.lcut(...)' {c['jieba_cold_s']:.2f}s, ratio {c['ratio']:.2f}x (target <= 1.2x)")


if __name__ == "__main__":
    main(sys.argv[1:])
