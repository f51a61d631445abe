"""What runs inside one batch worker process: warm up once, then scan one file per message.

The parent (:mod:`docscan.batch.pool`) talks to each worker over its own pipe::

    worker → ("ready", pid, info)            after the warm-up (imports, rule packs, model, dictionaries)
    parent → (task_id, path)                 one file at a time, so the parent knows what each worker holds
    worker → ("done", task_id, report, stats)  report = Report.to_dict() (small JSON-able dict, no Document)
    parent → None                            exit

Time and memory limits are enforced by the parent (it kills the process); the worker only adds an address-space
limit as a backstop against allocations faster than the parent's RSS polling, and turns a ``MemoryError`` into
the ``memory_limit`` error code.

Test hooks (tiny on purpose, read only here): ``DOCSCAN_TEST_HANG`` / ``DOCSCAN_TEST_BLOAT`` /
``DOCSCAN_TEST_CRASH`` hold comma-separated file names; a worker given such a file sleeps forever / allocates
memory until it is killed / dies of SIGSEGV, as a crashing C extension would.
``DOCSCAN_TEST_SLOW=<seconds>`` adds that delay to every file (so tests can interrupt a batch part-way).
The parent passes their values when it starts a worker (a forkserver child does not see later changes to the
parent's environment).
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from ..config import Config
from ..errors import DocscanError
from ..report import error_report

WARMUP_TEXT = "关于开展工作的通知\n各村（社区）：\n请于每周五前报送工作台账，县里每月检查一次。\n"
HOOK_VARS = ("DOCSCAN_TEST_HANG", "DOCSCAN_TEST_BLOAT", "DOCSCAN_TEST_CRASH", "DOCSCAN_TEST_SLOW")
MB = 1024 * 1024


def warm_up(config: Config) -> None:
    """Load everything a scan needs once per process (rule packs, model, jieba dictionary).

    A :class:`DocscanError` here (bad rules, model, duty list, config) would fail every file alike, so it stops
    the batch instead of filling the store with identical error rows; other exceptions are left to show up per
    file.
    """
    from ..pipeline import pipeline_version, scan_document

    pipeline_version(config)
    try:
        scan_document("<warmup>", config, text=WARMUP_TEXT)
    except DocscanError:
        raise
    except Exception:
        pass


def scan_to_dict(path: str, config: Config) -> dict[str, Any]:
    """The per-document function every engine runs: ``scan_safe`` → the contract dict (plus pipeline_version)."""
    from ..pipeline import scan_safe

    try:
        report = scan_safe(path, config)
    except MemoryError:
        report = error_report(path, DocscanError("memory_limit", path), config.lang)
    except Exception as e:  # config.debug re-raises inside scan_safe; a worker must still answer
        report = error_report(path, e, config.lang)
    d = report.to_dict()
    err = d.get("error") or {}
    if err.get("code") == "internal" and "MemoryError" in str(err.get("message_en", "")):
        d["error"] = DocscanError("memory_limit", path).to_dict(config.lang)
    return d


def scan_task(path: str, config: Config) -> tuple[dict[str, Any], dict[str, Any]]:
    """:func:`scan_to_dict` plus timing and this process's peak RSS (what Dask workers run)."""
    t, c = time.perf_counter(), time.process_time()
    report = scan_to_dict(path, config)
    return report, {"seconds": time.perf_counter() - t, "cpu_s": time.process_time() - c,
                    "rss_peak_mb": peak_rss_mb(), "pid": os.getpid()}


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def _limit_address_space(memory_mb: int) -> None:
    """Backstop: let the address space grow by 2 × memory_mb beyond the warmed-up process (RSS is policed by
    the parent at memory_mb; this only stops allocations too fast for its polling)."""
    try:
        import resource

        import psutil

        vms = psutil.Process().memory_info().vms
        limit = vms + 2 * memory_mb * MB
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or limit < hard:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):  # not available on this platform: the parent's watchdog remains
        pass


def _test_hook(path: str, hooks: dict[str, str]) -> None:
    if hooks.get("DOCSCAN_TEST_SLOW"):
        time.sleep(float(hooks["DOCSCAN_TEST_SLOW"]))
    name = Path(path).name
    if name in (hooks.get("DOCSCAN_TEST_HANG") or "").split(","):
        while True:
            time.sleep(3600)
    if name in (hooks.get("DOCSCAN_TEST_CRASH") or "").split(","):
        os.kill(os.getpid(), signal.SIGSEGV)
    if name in (hooks.get("DOCSCAN_TEST_BLOAT") or "").split(","):
        hog = []
        while True:  # touch every page so RSS really grows
            hog.append(b"x" * (32 * MB))
            time.sleep(0.01)


def _die_with_parent() -> None:
    """Linux: be killed when the forkserver (which exits with the batch process) goes, e.g. after a SIGKILL."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def worker_main(conn: Any, config: Config, memory_mb: int, hooks: dict[str, str]) -> None:
    """Entry point of a worker process."""
    _die_with_parent()
    # The parent handles Ctrl-C: workers finish the file in hand, then the parent tells them to exit.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # one worker per core: keep numeric libraries single-threaded
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    t0 = time.perf_counter()
    try:
        warm_up(config)
    except Exception as e:
        err = e if isinstance(e, DocscanError) else DocscanError("internal", f"{type(e).__name__}: {e}")
        conn.send(("fatal", os.getpid(), {"code": err.code, "detail": err.detail}))
        return
    if memory_mb:
        _limit_address_space(memory_mb)
    conn.send(("ready", os.getpid(), {"warmup_s": time.perf_counter() - t0, "rss_mb": peak_rss_mb()}))
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):  # parent gone
            return
        if msg is None:
            return
        task_id, path = msg
        try:
            if hooks:
                _test_hook(path, hooks)
            report, stats = scan_task(path, config)
        except MemoryError:  # hit the address-space backstop outside scan_safe's own handling
            report, stats = error_report(path, DocscanError("memory_limit", path), config.lang).to_dict(), {}
        try:
            conn.send(("done", task_id, report, stats))
        except (BrokenPipeError, OSError):
            return
        if (report.get("error") or {}).get("code") == "memory_limit":
            return  # leave a fragmented heap behind: the parent starts a fresh worker
