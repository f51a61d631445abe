"""Wave-2 detection behaviour: one finding per (clause chain, category), messages without "未写明" holes,
document-level gating of legislation / off-target documents. All texts are ours."""

from __future__ import annotations

import docscan
from docscan.config import Config

CFG = Config(use_model=False)


def _scan(text: str):
    return docscan.scan(text=text, config=CFG)


def test_one_ledger_finding_per_clause_chain_lists_all_rules():
    rep = _scan("各村（社区）要建立人居环境整治台账，做到一户一档，每月底前将纸质版和电子版报镇农业服务中心备查。")
    ledger = [f for f in rep.findings if f.category == "ledger_demand"]
    assert len(ledger) == 1
    assert len(ledger[0].rules) >= 2
    assert "台账" in ledger[0].text and "备查" in ledger[0].text


def test_semicolon_clauses_stay_separate():
    rep = _scan("各乡镇要建立问题整改台账，每月报送进度；各村要整理档案备查。")
    assert len([f for f in rep.findings if f.category == "ledger_demand"]) == 2


def test_messages_read_well_when_parts_are_unknown():
    rep = _scan("请于每周五前报送统计数据。")
    assert rep.findings
    for f in rep.findings:
        assert "未写明" not in f.message and "{" not in f.message


def test_frequency_is_named_in_the_message():
    rep = _scan("各乡镇每周五12时前填报防返贫监测周报表。")
    msgs = [f.message for f in rep.findings if f.category == "ledger_demand"]
    assert msgs and any("每周" in m for m in msgs)


def test_later_upper_limit_does_not_cancel_a_grassroots_duty():
    rep = _scan("整治所需经费由各乡镇自行解决，县级不再另行安排。")
    assert any(f.category == "vague_duty" for f in rep.findings)


def test_cosigner_is_not_the_obligated_party():
    rep = _scan("包村干部每次走访后须填写工作记录并由当事人签字确认，记录每月交镇里存档。")
    assert any(f.category == "ledger_demand" for f in rep.findings)
    assert not any(f.category == "vague_duty" for f in rep.findings)  # 包村干部 is a person, not 包村 duty


def _long(body: list[str], title: str) -> str:
    filler = [f"第{n}条 本条为说明性规定，涉及第{n}项一般事项。" for n in "一二三四五六七八九十"] * 2
    return title + "\n" + "\n".join(filler + body)


def test_legislation_yields_no_findings():
    text = _long(["第二十一条 乡镇人民政府应当每月报送安全生产台账，并接受县级人民政府的考核。"], "某省安全生产条例")
    assert _scan(text).findings == []
    # the same sentence alone (a snippet, not a statute) is a demand
    assert _scan("乡镇人民政府应当每月报送安全生产台账，并接受县级人民政府的考核。").findings


def test_operator_score_table_needs_a_grassroots_unit_in_the_sentence():
    rows = [f"{n}. 设备巡查记录不完整扣{n}分。" for n in range(1, 25)]
    rows.append("25. 各村未按月报送巡查台账的扣2分。")
    text = "某镇污水处理设施运行维护考核办法\n" + "\n".join(rows)
    found = _scan(text).findings
    assert found
    assert all("各村" in f.sentence for f in found)


def test_a_rater_or_bystander_unit_is_not_the_burdened_party():
    rows = [f"{n}. 小区公共部位保洁不到位的扣{n}分。" for n in range(1, 22)]
    rows += [
        "22. 考评权重分别为居委30%、第三方机构50%、镇房管办20%。",
        "23. 因物业企业拒不配合导致居委相关工作无法开展的，每项扣2分。",
        "24. 各居委每月向镇房管办报送小区巡查台账。",
    ]
    text = "某镇住宅小区物业服务考核办法\n" + "\n".join(rows)
    found = _scan(text).findings
    # only the sentence that burdens the 居委 itself survives the off-target gate
    assert found
    assert {f.sentence.split(".")[0] for f in found} == {"24"}
    assert any(f.category == "ledger_demand" for f in found)


def test_numbered_score_item_is_content_not_a_heading():
    for item in ("1.建立非法采砂台帐，得1分。", "（二）按要求填写巡河日志，得3分。"):
        cats = {f.category for f in _scan(item).findings}
        assert "ledger_demand" in cats, item
    # a short numbered heading alone still states no demand
    assert _scan("（三）加强组织领导").findings == []


def test_juwei_is_a_grassroots_unit():
    rep = _scan("居委每月对辖区独居老人走访情况进行记录，报街道备案。")
    assert any(f.category == "ledger_demand" for f in rep.findings)


def test_attachment_line_names_an_annex_not_a_demand():
    assert _scan("附件：“村务通”APP每日打卡人员名单（样表）").findings == []
    assert _scan("各村干部每日在“村务通”APP打卡。").findings  # the same words as a duty are flagged


def test_also_some_opens_a_critique():
    assert _scan("还有的部门建了工作群就要求村干部随时在线。").findings == []


def test_village_role_is_grassroots_and_duty_phone_is_not_an_app_demand():
    det = docscan.detect.detect(docscan.extract(text="村统计员每月须在系统中录入报表。"), CFG)
    assert det.clauses[0].actor_level == "grassroots"
    assert not [f for f in _scan("各村（社区）要落实值班值守制度，值班电话保持畅通。").findings
                if f.category == "digital_formalism"]


def test_a_heading_names_a_topic_the_body_states_the_demand():
    text = "三、实行每日报告制度\n各村每日17时前向镇应急办报送火情日报表。"
    found = _scan(text).findings
    assert found and all(f.sentence.startswith("各村") for f in found)
    # a heading with its own grassroots subject still imposes
    assert _scan("（二）各村每周报送一次巡查台账").findings


def test_a_list_of_complaints_is_not_an_order():
    assert _scan("会议多、陪会多，乡镇干部一周有三天在县里开会，这个问题必须解决。").findings == []


def test_decided_by_an_upper_body_binds_the_unit_after_it():
    rep = _scan("县委决定每个乡镇都要召开专题会议传达学习，会后报送会议记录。")
    assert any(f.category == "meeting_overload" for f in rep.findings)


def test_a_table_header_cell_names_a_column_not_a_demand():
    text = "网格化管理考核细则\n考核内容\n评分标准\n佐证材料\n建立网格巡查台账，每月更新\n网格员巡查日志、台账"
    found = _scan(text).findings
    assert found and "佐证材料" not in {f.sentence for f in found}
    assert any(f.sentence.startswith("建立网格巡查台账") for f in found)


TOWN_NOTICE = """某某镇人民政府文件
某镇发〔2026〕8号
关于加强村级防汛工作的通知
各村（社区）：
为做好今年防汛工作，现将有关事项通知如下。
一、镇党政办每月对各村防汛台账进行一次检查，检查结果在全镇通报。
二、各村每周五前向镇应急办报送防汛巡查记录。
三、镇城运中心负责收集各村上报的信息，汇总后报区防汛办。
某某镇人民政府
2026年5月6日
"""


def test_a_township_notice_treats_its_own_offices_as_the_upper_level():
    found = _scan(TOWN_NOTICE).findings
    # the township's own reporting up to the district is not a burden this notice puts on its villages
    assert not [f for f in found if "汇总后报区防汛办" in f.sentence]
    checks = [f for f in found if f.category == "repeated_inspection"]
    assert checks and all(f.actor == "各村" and f.requester == "镇党政办" for f in checks)
    assert any(f.category == "ledger_demand" and f.actor == "各村" for f in found)


def test_caps_superlatives_and_threats():
    # 最多 before a number caps a burden; 最多 as a superlative only ranks
    assert _scan("各类报表最多报一次。").findings == []
    assert any(f.category == "accountability_pressure"
               for f in _scan("各乡镇问题最多的前三名，县里要约谈主要负责人。").findings)
    # a speech's threat is a conditional sanction
    assert any(f.category == "accountability_pressure"
               for f in _scan("哪个乡镇再出问题，我就拿哪个乡镇的书记是问。").findings)
    # 一律不休息 orders work, it forbids nothing
    assert _scan("防汛期间各村干部周末一律不休息。").findings


def test_a_division_of_duty_principle_is_no_threat():
    assert _scan("按照谁的房子谁负责、谁使用谁负责的原则，落实属地管理责任。").findings == []
