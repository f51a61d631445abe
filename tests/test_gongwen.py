"""公文 metadata: headers we wrote ourselves, each field asserted (None/[] when absent)."""

from __future__ import annotations

import pytest

import docscan
from docscan import gongwen
from docscan.document import RawBlock, RawDocument, RawPage, SourceInfo
from docscan.normalize import normalize

EMPTY = {
    "title": None, "doc_number": None, "issuer": None, "date": None, "genre": None, "carrier": None,
    "addressees": [], "attachments": [], "signer": None, "urgency": None, "secrecy": None, "cc": [],
    "printed_by": None, "printed_date": None,
}

BODY = "为做好有关工作，现将有关事项通知如下。\n一、工作任务\n各单位要按时完成各项任务。\n"

CASES = {
    "county_full": (
        "XX县人民政府办公室文件\nX政办发〔2025〕17号\n关于开展农村人居环境整治提升专项行动的通知\n"
        "各乡镇人民政府、街道办事处，县直各部门：\n" + BODY + "附件：1.人居环境整治进度周报表\n2.工作台账样表\n"
        "XX县人民政府办公室\n2025年3月2日\n（此件公开发布）\n抄送：县委办公室，县人大常委会办公室。\n"
        "XX县人民政府办公室 2025年3月2日印发\n",
        {"title": "关于开展农村人居环境整治提升专项行动的通知", "doc_number": "X政办发〔2025〕17号",
         "issuer": "XX县人民政府办公室", "date": "2025-03-02", "genre": "通知",
         "addressees": ["各乡镇人民政府", "街道办事处", "县直各部门"],
         "attachments": ["人居环境整治进度周报表", "工作台账样表"], "cc": ["县委办公室", "县人大常委会办公室"],
         "printed_by": "XX县人民政府办公室", "printed_date": "2025-03-02"},
    ),
    "city_square_brackets": (
        "YY市人民政府文件\nY市政发[2025]3号\n关于加强基层治理的意见\n各县（市、区）人民政府，市政府各部门：\n" + BODY
        + "YY市人民政府\n2025年1月15日\n",
        {"title": "关于加强基层治理的意见", "doc_number": "Y市政发〔2025〕3号", "issuer": "YY市人民政府",
         "date": "2025-01-15", "genre": "意见", "addressees": ["各县（市、区）人民政府", "市政府各部门"]},
    ),
    "province_parens_secret_urgent": (
        "000123\n机密★1年\n特急\nZZ省人民政府办公厅文件\nZ政办发(2024)12号\n关于做好防汛工作的紧急通知\n"
        "各市人民政府，省政府各部门：\n" + BODY + "ZZ省人民政府办公厅\n2024年6月3日\n",
        {"title": "关于做好防汛工作的紧急通知", "doc_number": "Z政办发〔2024〕12号", "issuer": "ZZ省人民政府办公厅",
         "date": "2024-06-03", "genre": "通知", "addressees": ["各市人民政府", "省政府各部门"],
         "urgency": "特急", "secrecy": "机密★1年"},
    ),
    "central": (
        "国务院办公厅文件\n国办发〔2024〕5号\n国务院办公厅关于进一步优化政务服务的通知\n"
        "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n" + BODY + "国务院办公厅\n2024年2月20日\n",
        {"title": "国务院办公厅关于进一步优化政务服务的通知", "doc_number": "国办发〔2024〕5号",
         "issuer": "国务院办公厅", "date": "2024-02-20", "genre": "通知",
         "addressees": ["各省", "自治区", "直辖市人民政府", "国务院各部委", "各直属机构"]},
    ),
    "joint_issuers": (
        "中共XX县委办公室\nXX县人民政府办公室\n文件\nX委办发〔2025〕9号\n关于进一步规范督查检查考核工作的通知\n"
        "各乡镇党委、政府，县直各单位：\n" + BODY + "中共XX县委办公室\nXX县人民政府办公室\n2025年4月8日\n",
        {"title": "关于进一步规范督查检查考核工作的通知", "doc_number": "X委办发〔2025〕9号",
         "issuer": "中共XX县委办公室、XX县人民政府办公室", "date": "2025-04-08", "genre": "通知",
         "addressees": ["各乡镇党委", "政府", "县直各单位"]},
    ),
    "letter_format": (
        "XX县农业农村局\nX农函〔2025〕8号\n关于商请安排农村公厕改造资金的函\nXX县财政局：\n"
        "我局拟对全县农村公厕进行改造，现商请贵局安排专项资金。\n特此函商。\nXX县农业农村局\n2025年5月6日\n",
        {"title": "关于商请安排农村公厕改造资金的函", "doc_number": "X农函〔2025〕8号", "issuer": "XX县农业农村局",
         "date": "2025-05-06", "genre": "函", "addressees": ["XX县财政局"]},
    ),
    "wrapped_title_two_lines": (
        "XX镇人民政府文件\nX镇发〔2025〕2号\n关于开展村级组织工作事项准入和\n清理规范工作的通知\n各村（社区）：\n" + BODY
        + "XX镇人民政府\n2025年2月1日\n",
        {"title": "关于开展村级组织工作事项准入和清理规范工作的通知", "doc_number": "X镇发〔2025〕2号",
         "issuer": "XX镇人民政府", "date": "2025-02-01", "genre": "通知", "addressees": ["各村（社区）"]},
    ),
    "wrapped_title_three_lines": (
        "XX县人民政府\n关于进一步精简文件会议\n切实减轻基层负担若干措施的\n通知\n各乡镇（街道）：\n" + BODY
        + "XX县人民政府\n2025年7月1日\n",
        {"title": "关于进一步精简文件会议切实减轻基层负担若干措施的通知", "issuer": "XX县人民政府",
         "date": "2025-07-01", "genre": "通知", "addressees": ["各乡镇（街道）"]},
    ),
    "yinfa_wrapper": (
        "XX县人民政府办公室\nX政办发〔2025〕21号\n关于印发《XX县乡镇综合考核办法》的通知\n各乡镇人民政府，县直有关部门：\n"
        "现将《XX县乡镇综合考核办法》印发给你们，请认真贯彻执行。\nXX县人民政府办公室\n2025年3月20日\n",
        {"title": "关于印发《XX县乡镇综合考核办法》的通知", "doc_number": "X政办发〔2025〕21号",
         "issuer": "XX县人民政府办公室", "date": "2025-03-20", "genre": "通知", "carrier": "XX县乡镇综合考核办法",
         "addressees": ["各乡镇人民政府", "县直有关部门"]},
    ),
    "zhuanfa_wrapper_no_brackets": (
        "关于转发市农业农村局关于做好春耕备耕工作的通知的通知\n各乡镇人民政府：\n现将该通知转发给你们，请遵照执行。\n"
        "XX县农业农村局\n2025年2月10日\n",
        {"title": "关于转发市农业农村局关于做好春耕备耕工作的通知的通知", "issuer": "XX县农业农村局",
         "date": "2025-02-10", "genre": "通知", "carrier": "市农业农村局关于做好春耕备耕工作的通知",
         "addressees": ["各乡镇人民政府"]},
    ),
    "chinese_numeral_date": (
        "XX县人民政府\n关于表彰先进集体的决定\n各乡镇人民政府：\n" + BODY + "XX县人民政府\n二〇二五年三月十二日\n",
        {"title": "关于表彰先进集体的决定", "issuer": "XX县人民政府", "date": "2025-03-12", "genre": "决定",
         "addressees": ["各乡镇人民政府"]},
    ),
    "chinese_numeral_date_31": (
        "关于调整议事协调机构的通知\n" + BODY + "XX市人民政府办公室\n二〇二三年十二月三十一日\n",
        {"title": "关于调整议事协调机构的通知", "issuer": "XX市人民政府办公室", "date": "2023-12-31", "genre": "通知"},
    ),
    "qingshi_with_signer": (
        "XX县农业农村局文件\nX农〔2025〕3号　　　　签发人：张三\n关于申请农村公厕改造专项资金的请示\nXX县人民政府：\n"
        "为推进农村公厕改造，现申请专项资金。\n妥否，请批示。\nXX县农业农村局\n2025年3月1日\n（联系人：李四，电话：1234567）\n",
        {"title": "关于申请农村公厕改造专项资金的请示", "doc_number": "X农〔2025〕3号", "issuer": "XX县农业农村局",
         "date": "2025-03-01", "genre": "请示", "addressees": ["XX县人民政府"], "signer": "张三"},
    ),
    "baogao_two_signers": (
        "XX县人民政府\nX政〔2025〕30号　签发人：王五　赵六\n关于基层减负工作情况的报告\nXX市人民政府：\n" + BODY
        + "XX县人民政府\n2025年8月5日\n",
        {"title": "关于基层减负工作情况的报告", "doc_number": "X政〔2025〕30号", "issuer": "XX县人民政府",
         "date": "2025-08-05", "genre": "报告", "addressees": ["XX市人民政府"], "signer": "王五、赵六"},
    ),
    "title_only": (
        "关于开展安全生产大检查的通知\n各村要在月底前完成自查。\n",
        {"title": "关于开展安全生产大检查的通知", "genre": "通知"},
    ),
    "no_header_at_all": (
        "各村要在月底前完成自查，并将自查报告报送镇安监办。\n",
        {},
    ),
    "carrier_title_without_guanyu": (
        "XX县2025年度乡镇综合考核办法\n一、考核对象\n全县各乡镇。\n",
        {"title": "XX县2025年度乡镇综合考核办法", "genre": "考核办法"},
    ),
    "speech": (
        "在全县基层减负工作会议上的讲话\n同志们：\n今天我们召开会议，研究部署基层减负工作。\n",
        {"title": "在全县基层减负工作会议上的讲话", "genre": "讲话", "addressees": ["同志们"]},
    ),
    "lenticular_and_fullwidth_brackets": (
        "XX区人民政府办公室\nX区府办【2025】6号\n关于做好防汛工作的通知\n" + BODY + "XX区人民政府办公室\n2025年5月20日\n",
        {"title": "关于做好防汛工作的通知", "doc_number": "X区府办〔2025〕6号", "issuer": "XX区人民政府办公室",
         "date": "2025-05-20", "genre": "通知"},
    ),
    "fullwidth_square_and_zi_di": (
        "X市财政局文件\nX市财发［1992］字第36号\n关于加强财务管理的通知\n" + BODY + "X市财政局\n1992年5月6日\n",
        {"title": "关于加强财务管理的通知", "doc_number": "X市财发〔1992〕字第36号", "issuer": "X市财政局",
         "date": "1992-05-06", "genre": "通知"},
    ),
    "addressee_groups_and_wrapped_cc": (
        "关于做好网格化管理工作的通知\n各乡镇（街道、园区），各村（社区）：\n" + BODY
        + "XX县委政法委\n2025年9月9日\n抄送：县委办公室，县人大常委会办公室，\n县政府办公室。\n"
        "XX县委政法委办公室 2025年9月10日印发\n",
        {"title": "关于做好网格化管理工作的通知", "issuer": "XX县委政法委", "date": "2025-09-09", "genre": "通知",
         "addressees": ["各乡镇（街道、园区）", "各村（社区）"],
         "cc": ["县委办公室", "县人大常委会办公室", "县政府办公室"],
         "printed_by": "XX县委政法委办公室", "printed_date": "2025-09-10"},
    ),
    "signature_and_date_on_one_line": (
        "关于报送年度工作总结的通知\n各乡镇：\n请于2025年12月10日前报送年度工作总结。\n"
        "XX县人民政府办公室　　　　2025年11月20日\n",
        {"title": "关于报送年度工作总结的通知", "issuer": "XX县人民政府办公室", "date": "2025-11-20", "genre": "通知",
         "addressees": ["各乡镇"]},
    ),
    "date_not_from_body_or_attachment": (
        "XX县人民政府办公室文件\nX政办发〔2025〕40号\n关于印发《XX县农村公厕管护实施方案》的通知\n各乡镇人民政府：\n"
        "请于2025年4月30日前完成排查。\n附件：XX县农村公厕管护实施方案\nXX县人民政府办公室\n2025年3月28日\n附件\n"
        "XX县农村公厕管护实施方案\n一、总体要求\n按时完成。\n2025年6月1日\n",
        {"title": "关于印发《XX县农村公厕管护实施方案》的通知", "doc_number": "X政办发〔2025〕40号",
         "issuer": "XX县人民政府办公室", "date": "2025-03-28", "genre": "通知", "carrier": "XX县农村公厕管护实施方案",
         "addressees": ["各乡镇人民政府"], "attachments": ["XX县农村公厕管护实施方案"]},
    ),
    "secret_months_and_urgency_label": (
        "秘密★6个月\n加急\nXX县应急管理局文件\nX应急〔2025〕11号\n关于开展汛前隐患排查的通报\n各乡镇：\n" + BODY
        + "XX县应急管理局\n2025年4月2日\n",
        {"title": "关于开展汛前隐患排查的通报", "doc_number": "X应急〔2025〕11号", "issuer": "XX县应急管理局",
         "date": "2025-04-02", "genre": "通报", "addressees": ["各乡镇"], "urgency": "加急", "secrecy": "秘密★6个月"},
    ),
    "traditional_input": (
        "XX縣人民政府辦公室文件\nX政辦發〔2025〕5號\n關於開展基層減負工作的通知\n各鄉鎮人民政府：\n各村要按時完成。\n"
        "XX縣人民政府辦公室\n2025年1月8日\n",
        {"title": "关于开展基层减负工作的通知", "doc_number": "X政办发〔2025〕5号", "issuer": "XX县人民政府办公室",
         "date": "2025-01-08", "genre": "通知", "addressees": ["各乡镇人民政府"]},
    ),
    "spaced_pdf_like_header": (
        "X 政 办 发 〔 2025 〕 17 号\n关于 开展 检查 的 通知\n各 乡镇 ：\n" + BODY + "2025 年 3 月 2 日\n",
        {"title": "关于开展检查的通知", "doc_number": "X政办发〔2025〕17号", "date": "2025-03-02", "genre": "通知",
         "addressees": ["各乡镇"]},
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_header_fields(name):
    text, expected = CASES[name]
    doc = docscan.extract(text=text)
    want = {**EMPTY, **expected}
    assert doc.metadata.to_dict() == want


def test_at_least_twenty_headers():
    assert len(CASES) >= 20


@pytest.mark.parametrize("name", ["county_full", "qingshi_with_signer", "addressee_groups_and_wrapped_cc"])
def test_spans_point_at_the_fields(name):
    doc = docscan.extract(text=CASES[name][0])
    md = doc.metadata
    s = md.spans
    assert doc.text[s["title"][0]:s["title"][1]] == md.title
    assert doc.text[s["issuer"][0]:s["issuer"][1]].startswith(md.issuer.split("、")[0])
    assert gongwen.parse_date(doc.text[s["date"][0]:s["date"][1]]) == md.date
    if md.doc_number:
        assert gongwen.normalize_doc_number(doc.text[s["doc_number"][0]:s["doc_number"][1]]) == md.doc_number
    if md.signer:
        assert doc.text[s["signer"][0]:s["signer"][1]] == md.signer
    if md.cc:
        assert doc.text[s["cc"][0]:s["cc"][1]].startswith(md.cc[0])


def test_headings_hierarchy_with_offsets():
    text = ("关于开展专项行动的通知\n一、工作目标\n到年底完成。\n二、主要任务\n（一）建立工作台账。各村要建立台账。\n"
            "1.明确责任\n（1）细化分工\n2.各村要在每月5日前将上月工作进展、照片等材料报送镇党政办，逾期未报的予以通报批评并扣分。\n")
    doc = docscan.extract(text=text)
    hs = doc.metadata.headings
    assert [(h["level"], h["text"]) for h in hs] == [
        (1, "一、工作目标"), (1, "二、主要任务"), (2, "（一）建立工作台账"), (3, "1.明确责任"), (4, "（1）细化分工"),
    ]
    for h in hs:
        assert doc.text[h["start"]:h["end"]] == h["text"]


def test_attachment_list_lines_are_not_headings():
    doc = docscan.extract(text=CASES["county_full"][0])
    texts = [h["text"] for h in doc.metadata.headings]
    assert "一、工作任务" in texts
    assert not any("周报表" in t or "样表" in t for t in texts)


def test_body_citation_is_not_the_doc_number():
    doc = docscan.extract(text="各村要根据X政发〔2024〕7号文件要求，做好自查工作。\n")
    assert doc.metadata.doc_number is None


def _raw(blocks, furniture=(), fmt="html"):
    info = SourceInfo(path="x." + fmt, format=fmt)
    return RawDocument(source=info, pages=[RawPage(number=1, blocks=[*furniture, *blocks])])


def test_html_portal_kv_fills_missing_fields():
    kv = RawBlock(kind="boilerplate", text="索引号：001/2025-01\n发文机关：XX县人民政府办公室",
                  style={"portal_kv": {"索引号": "001/2025-01", "发文机关": "XX县人民政府办公室",
                                       "发文字号": "X政办发(2025)17号", "成文日期": "2025年03月02日",
                                       "标题": "关于开展整治工作的通知"}})
    body = [RawBlock(kind="paragraph", text="各村要按时完成整治任务。")]
    doc = normalize(_raw(body, [kv]))
    md = gongwen.parse(doc)
    assert md.issuer == "XX县人民政府办公室"
    assert md.doc_number == "X政办发〔2025〕17号"
    assert md.date == "2025-03-02"
    assert md.title == "关于开展整治工作的通知"
    assert md.genre == "通知"


def test_markdown_front_matter_kv_lines():
    fm = RawBlock(kind="boilerplate", text="标题: 关于印发《XX镇考核办法》的通知\n文号: X镇发〔2024〕3号\n发布日期: 2024-03-08")
    body = [RawBlock(kind="paragraph", text="各村要按时完成。")]
    md = gongwen.parse(normalize(_raw(body, [fm], fmt="md")))
    assert md.title == "关于印发《XX镇考核办法》的通知"
    assert md.carrier == "XX镇考核办法"
    assert md.doc_number == "X镇发〔2024〕3号"
    assert md.date is None  # a 发布日期 is not the 成文日期


def test_red_masthead_without_organ_suffix():
    blocks = [RawBlock(kind="paragraph", text="XX县乡村振兴", style={"color": "red"}),
              RawBlock(kind="paragraph", text="X振〔2025〕1号"),
              RawBlock(kind="title", text="关于开展检查的通知"),
              RawBlock(kind="paragraph", text="各村要按时完成。")]
    md = gongwen.parse(normalize(_raw(blocks, fmt="pdf")))
    assert md.issuer == "XX县乡村振兴"
    assert md.doc_number == "X振〔2025〕1号"


@pytest.mark.parametrize(("s", "iso"), [
    ("2025年3月2日", "2025-03-02"), ("2025年03月02日", "2025-03-02"), ("二〇二五年三月二日", "2025-03-02"),
    ("二〇二五年三月十二日", "2025-03-12"), ("二〇二四年十月二十日", "2024-10-20"), ("一九九二年五月六日", "1992-05-06"),
    ("2025-3-9", "2025-03-09"), ("无日期", None),
])
def test_parse_date(s, iso):
    assert gongwen.parse_date(s) == iso
