"""Five complete directives we wrote, with burden figures counted by hand in ``*.expected.yaml`` beside them.
Each figure must be within ±20 % of the hand count (exact for small numbers; null must stay null)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import docscan

DIR = Path(__file__).parent / "data" / "directives"
DOCS = sorted(DIR.glob("*.txt"))
SUMMARY = ("reports_per_year", "inspections_per_year", "meetings_per_year", "materials", "shortest_window_days")


def _close(got: float | None, want: float | None) -> bool:
    if want is None or got is None:
        return got == want
    return abs(got - want) <= 0.2 * abs(want)


@pytest.fixture(scope="module")
def reports() -> dict[str, object]:
    return {p.stem: docscan.scan(p, use_model=False) for p in DOCS}


def test_five_directives_present() -> None:
    assert len(DOCS) == 5
    for p in DOCS:
        assert p.with_suffix(".expected.yaml").is_file()
        assert 300 <= len(p.read_text(encoding="utf-8")) <= 3000


@pytest.mark.parametrize("path", DOCS, ids=[p.stem for p in DOCS])
def test_hand_counted_figures(path: Path, reports: dict[str, object]) -> None:
    want = yaml.safe_load(path.with_suffix(".expected.yaml").read_text(encoding="utf-8"))
    r = reports[path.stem]
    got = r.burden  # type: ignore[attr-defined]
    for key in SUMMARY:
        assert _close(got[key], want[key]), (path.stem, key, got[key], want[key])
    detail = r.analysis["burden"]  # type: ignore[attr-defined]
    for key in ("ledgers_to_maintain", "unbounded_items"):
        if key in want:
            assert _close(detail[key], want[key]), (path.stem, key, detail[key], want[key])
    for level in ("township", "village"):
        key = f"{level}_reports"
        if key in want:
            assert _close(detail["by_level"][level]["reports_per_year"], want[key]), (path.stem, key)
