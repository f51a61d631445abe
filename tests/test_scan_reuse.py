"""What a scan shares between its stages (facts, the duty matrix) and the collector state it leaves behind."""

from __future__ import annotations

import gc

import docscan
from docscan.config import Config
from docscan.detect import detect
from docscan.quantify import duties, facts

CFG = Config(use_model=False)
TEXT = (
    "县住建局加强业务指导，各乡镇（街道）落实属地责任，对辖区农村危房开展全面排查并兜底负责。\n"
    "各乡镇（街道）要建立危房排查台账，每周五12时前将进展情况报县住建局，3个工作日内完成整改。\n"
    "县农业农村局给予支持，各村（社区）须于6月30日前将纸质版和电子版材料报镇政府备查。\n"
)


def test_duty_matrix_taken_over_from_detection_equals_a_fresh_one():
    rep = docscan.scan(text=TEXT, config=CFG)
    assert any(f.category == "vague_duty" for f in rep.findings)  # detection built the matrix first
    doc = docscan.extract(text=TEXT)
    det = detect(doc, CFG)
    facts._last.slot = None
    fresh = duties.matrix(facts.build(doc, det))
    assert fresh["rows"] and rep.analysis["duties"] == fresh


def test_scan_releases_the_cached_facts():
    docscan.scan(text=TEXT, config=CFG)
    assert getattr(facts._last, "slot", None) is None


def test_scan_twice_gives_the_same_report():
    a = docscan.scan(text=TEXT, config=CFG).to_dict()
    b = docscan.scan(text=TEXT, config=CFG).to_dict()
    assert a == b


def test_collector_state_is_restored():
    assert gc.isenabled()
    docscan.scan(text=TEXT, config=CFG)
    assert gc.isenabled()
    gc.disable()
    try:
        docscan.scan(text=TEXT, config=CFG)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_objects_the_application_froze_stay_frozen():
    sentinel: list[object] = []  # a tracked container
    gc.freeze()
    try:
        docscan.scan(text=TEXT, config=CFG)
        assert gc.get_freeze_count() > 0
        assert not any(o is sentinel for g in range(3) for o in gc.get_objects(generation=g))
    finally:
        gc.unfreeze()
    assert any(o is sentinel for o in gc.get_objects(generation=2))
