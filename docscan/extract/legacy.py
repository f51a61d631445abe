"""Legacy Word ``.doc`` and WPS ``.wps`` (OLE2): convert to DOCX with LibreOffice, then read the DOCX.

We do not parse the binary formats ourselves. When ``soffice``/``libreoffice`` is on PATH, the file is copied
into a private temp dir and converted headless with a throw-away user profile (so it neither touches nor
waits for the user's running LibreOffice), under a time limit; the whole process group is killed on timeout.
The DOCX is then read by :mod:`docscan.extract.docx`. Without LibreOffice: ``legacy_no_converter``.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..config import Config
from ..document import RawDocument, SourceInfo
from ..errors import DocscanError

CONVERT_TIMEOUT_S = 120.0


def find_converter() -> str | None:
    """Path of the LibreOffice binary, or None."""
    for name in ("soffice", "libreoffice"):
        exe = shutil.which(name)
        if exe:
            return exe
    return None


def convert_to_docx(path: Path, outdir: Path, timeout: float) -> Path:
    """Convert ``path`` to DOCX inside ``outdir`` (a private temp dir); return the DOCX path."""
    exe = find_converter()
    if exe is None:
        raise DocscanError("legacy_no_converter", path.name)
    # a plain ASCII name avoids quoting/locale trouble; Kingsoft .wps is Word-like, so LibreOffice gets ".doc"
    src = outdir / "input.doc"
    shutil.copyfile(path, src)
    profile = outdir / "profile"
    out = outdir / "out"
    cmd = [
        exe,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--nologo",
        "--nolockcheck",
        "--convert-to",
        "docx",
        "--outdir",
        str(out),
        str(src),
    ]
    try:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as e:
        raise DocscanError("legacy_convert_failed", f"{path.name}: {e}") from e
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as e:
        _kill_group(proc)
        raise DocscanError("legacy_convert_failed", f"{path.name}: timed out after {timeout:g} s") from e
    result = out / "input.docx"
    if proc.returncode != 0 or not result.is_file() or result.stat().st_size == 0:
        tail = (err or b"").decode("utf-8", "replace").strip().splitlines()[-1:] or [
            f"exit {proc.returncode}"
        ]
        raise DocscanError("legacy_convert_failed", f"{path.name}: {tail[0][:200]}")
    return result


def _kill_group(proc: subprocess.Popen) -> None:
    """soffice forks (oosplash → soffice.bin): end the whole session we started, then reap."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    proc.communicate()


def extract(path: Path, info: SourceInfo, config: Config) -> RawDocument:
    if find_converter() is None:
        raise DocscanError("legacy_no_converter", path.name)
    try:
        from . import docx
    except ImportError as e:
        raise DocscanError("legacy_convert_failed", f"{path.name}: DOCX reader unavailable ({e})") from e
    fmt = info.format
    timeout = min(CONVERT_TIMEOUT_S, config.timeout_s)
    with tempfile.TemporaryDirectory(prefix="docscan-legacy-") as tmp:
        converted = convert_to_docx(path, Path(tmp), timeout)
        try:
            raw = docx.extract(converted, info, config)
        except DocscanError as e:
            if e.code == "docx_corrupt":
                raise DocscanError("legacy_convert_failed", f"{path.name}: unreadable DOCX output") from e
            raise
    info.format = fmt  # the user gave a .doc/.wps; report that, not the intermediate DOCX
    info.extractor = f"libreoffice+{info.extractor or 'docx'}"
    return raw
