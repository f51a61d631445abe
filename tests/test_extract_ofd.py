"""OFD extraction on tiny OFD packages built here (GB/T 33190 structure, text we wrote)."""

from __future__ import annotations

import re
import zipfile
from xml.sax.saxutils import escape

from click.testing import CliRunner

import docscan
from docscan.cli import cli
from docscan.extract import extract_raw

NS = "http://www.ofdspec.org/2016"
SIZE = 5.6  # mm ≈ 16 pt
PITCH = 10.0
LEFT = 28.0
CHARS = 28

OFD_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<ofd:OFD xmlns:ofd="{NS}" DocType="OFD" Version="1.1"><ofd:DocBody><ofd:DocInfo><ofd:DocID>t1</ofd:DocID>
</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"""


def _document_xml(n_pages: int) -> str:
    pages = "".join(f'<ofd:Page ID="{i + 10}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(n_pages))
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{NS}"><ofd:CommonData>'
        "<ofd:MaxUnitID>999</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox>"
        f"</ofd:PageArea></ofd:CommonData><ofd:Pages>{pages}</ofd:Pages></ofd:Document>"
    )


def _text_object(
    oid: int, x: float, y: float, text: str, size: float = SIZE, red: bool = False, ctm: bool = False
) -> str:
    """One TextObject. With ``ctm`` the glyph coordinates are in points scaled by a CTM (as real writers do)."""
    fill = '<ofd:FillColor Value="230 0 0"/>' if red else ""
    if ctm:
        k = 0.3528  # pt → mm
        s, adv = size / k, size / k
        deltas = f"g {len(text) - 1} {adv:.3f}" if len(text) > 1 else ""
        return (
            f'<ofd:TextObject ID="{oid}" CTM="{k} 0 0 {k} 0 0" Boundary="{x} {y - size} 170 {size * 1.5}" '
            f'Font="1" Size="{s:.3f}">{fill}<ofd:TextCode X="0" Y="{s:.3f}" DeltaX="{deltas}">'
            f"{escape(text)}</ofd:TextCode></ofd:TextObject>"
        )
    deltas = " ".join([f"{size}"] * (len(text) - 1))
    return (
        f'<ofd:TextObject ID="{oid}" Boundary="{x} {y - size} 170 {size * 1.5}" Font="1" Size="{size}">{fill}'
        f'<ofd:TextCode X="0" Y="{size}" DeltaX="{deltas}">{escape(text)}</ofd:TextCode></ofd:TextObject>'
    )


def _content_xml(objects: list[str], extra_head: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{extra_head}<ofd:Page xmlns:ofd="{NS}"><ofd:Content>'
        f'<ofd:Layer ID="2">{"".join(objects)}</ofd:Layer></ofd:Content></ofd:Page>'
    )


def _layout(paragraphs: list[str], issuer: str | None = None) -> list[list[str]]:
    """Lay paragraphs out like a 公文 page (2-char indent, 28 chars a line), 6 lines a page, page numbers."""
    pages: list[list[str]] = [[]]
    oid = 100
    y = 60.0
    if issuer:
        pages[0].append(_text_object(1, 60, 40, issuer, size=9.0, red=True))
    for pi, para in enumerate(paragraphs):
        first, rest = para[: CHARS - 2], para[CHARS - 2 :]
        rows = [first] + [rest[i : i + CHARS] for i in range(0, len(rest), CHARS)]
        for k, row in enumerate(rows):
            if y > 60 + 5 * PITCH:
                pages.append([])
                y = 60.0
            x = LEFT + (2 * SIZE if k == 0 else 0)
            oid += 1
            pages[-1].append(_text_object(oid, x, y, row, ctm=(pi + k) % 2 == 0))
            y += PITCH
    for n, objs in enumerate(pages, 1):
        objs.append(_text_object(900 + n, 95, 280, f"— {n} —", size=4.9))
    return pages


def build_ofd(
    path, paragraphs: list[str], issuer: str | None = None, page_override: str | None = None
) -> None:
    pages = _layout(paragraphs, issuer)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("OFD.xml", OFD_XML)
        z.writestr("Doc_0/Document.xml", _document_xml(len(pages)))
        for i, objs in enumerate(pages):
            z.writestr(f"Doc_0/Pages/Page_{i}/Content.xml", page_override or _content_xml(objs))


PARAS = [
    "各乡镇人民政府，县直各部门：",
    "为减少基层填表报数，经研究，现将有关事项通知如下，请认真贯彻执行。",
    "一、统一数据口径",
    "各部门需要乡镇提供的数据，应当通过县级共享平台获取，平台已有的数据不得再要求乡镇重复填报，"
    "确需新增采集的，报县政府办公室审核后统一下发，每年集中一次，不得层层加码。",
    "（一）清理现有报表",
]


def _flat(s: str) -> str:
    return re.sub(r"\s+", "", s)


def test_ofd_text_and_blocks(tmp_path):
    path = tmp_path / "通知.ofd"
    build_ofd(path, PARAS, issuer="某某县人民政府文件")
    doc = docscan.extract(path)
    assert doc.source.format == "ofd"
    assert doc.source.pages == 2
    assert _flat(doc.text) == _flat("某某县人民政府文件" + "".join(PARAS))
    raw = extract_raw(path)
    blocks = [b for b in raw.iter_blocks() if b.kind != "page_number"]
    assert blocks[0].style.get("color") == "red"
    by_text = {_flat(b.text): b for b in blocks}
    assert (by_text["一、统一数据口径"].kind, by_text["一、统一数据口径"].level) == ("heading", 1)
    assert (by_text["（一）清理现有报表"].kind, by_text["（一）清理现有报表"].level) == ("heading", 2)
    # the long paragraph wraps over lines and a page break: one block per page, the second a continuation
    k = next(i for i, b in enumerate(blocks) if b.text.startswith("各部门需要"))
    first, cont = blocks[k], blocks[k + 1]
    assert first.text.count("\n") >= 1 and (first.page, cont.page) == (1, 2)
    assert cont.ref.get("continues") is True
    assert _flat(first.text + cont.text) == _flat(PARAS[3])
    assert sorted(b.text for b in raw.iter_blocks() if b.kind == "page_number") == ["— 1 —", "— 2 —"]


def test_ofd_external_entities_are_not_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", encoding="utf-8")
    head = f'<!DOCTYPE ofd:Page [<!ENTITY x SYSTEM "file://{secret}">]>'
    body = _content_xml(
        [_text_object(1, LEFT, 60, "各村（社区）按要求报送材料。"), _text_object(2, LEFT, 70, "附加&x;内容")],
        head,
    )
    path = tmp_path / "xxe.ofd"
    build_ofd(path, ["占位"], page_override=body)
    assert "TOPSECRET" not in docscan.extract(path).text


def _cli_error(path) -> str:
    res = CliRunner().invoke(cli, ["extract", str(path)])
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    return res.stderr


def test_ofd_corrupt(tmp_path):
    bad = tmp_path / "bad.ofd"
    bad.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    assert "ofd_corrupt" in _cli_error(bad)
    missing = tmp_path / "missing.ofd"
    with zipfile.ZipFile(missing, "w") as z:
        z.writestr("OFD.xml", OFD_XML)  # DocRoot points at a part that is not there
    assert "ofd_corrupt" in _cli_error(missing)
    broken = tmp_path / "broken.ofd"
    build_ofd(broken, PARAS, page_override="<ofd:Page xmlns:ofd='x'><unclosed>")
    assert "ofd_corrupt" in _cli_error(broken)


def test_ofd_zip_bomb(tmp_path):
    path = tmp_path / "bomb.ofd"
    build_ofd(path, PARAS)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("Doc_0/Res/pad.bin", b"\0" * (80 << 20))
    assert "zip_bomb" in _cli_error(path)
