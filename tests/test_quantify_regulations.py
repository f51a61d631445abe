"""Regulation checks: document length (body only), meetings, traces as criteria, 一票否决, apps, 千分制…"""

from __future__ import annotations

import docscan

HEAD = "X县人民政府办公室\n关于开展农村人居环境专项整治行动的通知\n各乡镇人民政府、街道办事处：\n"
TAIL = "\nX县人民政府办公室\n2025年3月3日\n"
FILLER = "全县上下要坚持以人民为中心的发展思想，统筹推进农村人居环境整治提升，持续改善农村生产生活条件，建设宜居宜业和美乡村。"


def checks(body: str, head: str = HEAD) -> dict[str, dict]:
    r = docscan.scan(text=head + body + TAIL, use_model=False)
    return {c["id"]: c for c in r.analysis["regulation_checks"]}


def test_long_special_task_document_breaches_4000() -> None:
    body = "\n".join([FILLER] * 80)  # ≈ 4,600 body characters: over 4,000 for a special task
    c = checks(body)["doc_length"]
    assert c["status"] == "breach"
    assert c["values"]["limit"] == 4000 and 4000 < c["values"]["chars"] < 5000
    assert c["provision"]["id"] == "b1.doc_length" and c["provision"]["confidence"] == "H"
    assert "4000" in c["message"]


def test_body_excludes_header_signature_and_attachment_notes() -> None:
    c = checks("\n".join([FILLER] * 10))["doc_length"]
    assert c["status"] == "ok"
    assert c["values"]["chars"] == len(FILLER) * 10


def test_over_5000_general_document() -> None:
    head = HEAD.replace("关于开展农村人居环境专项整治行动的通知", "关于2025年全县农业农村工作要点的意见")
    c = checks("\n".join([FILLER] * 100), head=head)["doc_length"]
    assert c["status"] == "breach" and c["values"]["limit"] == 5000


def test_compliant_document_all_ok() -> None:
    body = "县财政局于3月底前下拨专项资金200万元。各乡镇（街道）于3月20日前报送一次整治方案。"
    cs = checks(body)
    assert {c["status"] for c in cs.values()} == {"ok"}
    assert all(c["evidence"] == [] for c in cs.values())
    assert len(cs) >= 14


def test_pattern_breaches_with_evidence() -> None:
    body = ("实行千分制考核，发生重大事件的实行一票否决。无照片佐证的扣2分。各乡镇（街道）要召开会议传达到村。"
            "网格员每日在App打卡签到，县平台统计在线时长并进行积分排名。各乡镇要组织干部全员下载注册App。"
            "各乡镇要于3月10日前报送贯彻落实情况。县直部门可从各乡镇抽调工作人员。")
    cs = checks(body)
    for cid in ("thousand_point_scoring", "one_vote_veto", "photo_trace_as_criteria", "meeting_relay",
                "app_check_in", "app_online_time", "app_points_ranking", "app_forced_download",
                "implementation_report", "secondment"):
        assert cs[cid]["status"] == "breach", (cid, cs[cid])
        ev = cs[cid]["evidence"][0]
        assert ev["end"] > ev["start"] and ev["text"]
        assert cs[cid]["message"] and cs[cid]["message_en"]


def test_prohibitions_are_not_breaches() -> None:
    body = "不搞一票否决，不得要求基层签订责任状，不以拍照留痕作为评价依据，不得强制下载App，不搞千分制。"
    cs = checks(body)
    for cid in ("one_vote_veto", "responsibility_pledge", "thousand_point_scoring", "app_forced_download"):
        assert cs[cid]["status"] == "ok", (cid, cs[cid])


def test_check_status_for_softer_rules() -> None:
    body = "各乡镇（街道）要与县政府签订目标责任书。县里每月召开调度会，各乡镇主要负责同志参加。"
    cs = checks(body)
    assert cs["responsibility_pledge"]["status"] == "check"
    assert cs["meeting_principal_leaders"]["status"] == "check"


def test_inspections_per_requester() -> None:
    cs = checks("县督查室每月对各乡镇开展一次综合督查。")
    c = cs["inspection_per_requester"]
    assert c["status"] == "breach" and c["values"]["count"] == 12


def test_english_messages() -> None:
    r = docscan.scan(text=HEAD + "发生重大事件的实行一票否决。" + TAIL, use_model=False, lang="en")
    (c,) = [c for c in r.analysis["regulation_checks"] if c["id"] == "one_vote_veto"]
    assert c["status"] == "breach" and c["message"].startswith("a one-vote veto")
