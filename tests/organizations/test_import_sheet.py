"""The workbook reader that streams a sheet (`organizations.imports.sheet`) reads every cell as
python-calamine did before it: the import's rows, lines and values are the same for workbooks
written by openpyxl, for hand-written parts Excel and other programs write (shared strings,
rich text, errors, formulas, 1904 dates, styles), for cells without references and for
prefixed elements."""

import datetime
import io
import zipfile

import pytest
from python_calamine import CalamineWorkbook

from organizations.imports import ImportRefused
from organizations.imports.limits import Limits
from organizations.imports.reading import read_table
from organizations.imports.sheet import cell_value
from organizations.imports.workbook import check_workbook
from tests.organizations import crafted

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RELATIONS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006"


def calamine_rows(data: bytes) -> list[tuple[int, list]]:
    """The rows as the import read them with python-calamine (before the streaming reader)."""
    name = check_workbook(data, Limits.current()).name
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(name)
    rows = []
    for line, row in enumerate(sheet.iter_rows(), start=1):
        cells = list(map(cell_value, row))
        while cells and cells[-1] == "":
            cells.pop()
        if cells:
            rows.append((line, cells))
    return rows


def streamed_rows(data: bytes) -> list[tuple[int, list]]:
    table = read_table(data)
    return list(zip(table.lines, table.rows, strict=True))


def assert_read_alike(data: bytes) -> None:
    expected = calamine_rows(data)
    assert expected  # a workbook with something to compare
    assert streamed_rows(data) == expected


def handmade(sheet: str, strings: str = "", styles: str = "", date1904=False) -> bytes:
    """A workbook of one sheet part written by hand, with shared strings and styles."""
    out = io.BytesIO()
    relations = f'<Relationship Id="rId1" Type="{RELATIONS}/worksheet" Target="worksheets/s.xml"/>'
    if strings:
        relations += (
            f'<Relationship Id="rId2" Type="{RELATIONS}/sharedStrings" Target="sharedStrings.xml"/>'
        )
    if styles:
        relations += f'<Relationship Id="rId3" Type="{RELATIONS}/styles" Target="styles.xml"/>'
    properties = '<workbookPr date1904="1"/>' if date1904 else ""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", crafted.CONTENT_TYPES)
        archive.writestr("_rels/.rels", crafted.ROOT_RELS)
        archive.writestr(
            "xl/workbook.xml",
            f'{crafted.XML}<workbook {NS} xmlns:r="{RELATIONS}">{properties}<sheets>'
            '<sheet name="Danh sách" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'{crafted.XML}<Relationships xmlns="{PACKAGE}/relationships">{relations}'
            "</Relationships>",
        )
        archive.writestr("xl/worksheets/s.xml", sheet)  # text, or bytes in another encoding
        if strings:
            archive.writestr("xl/sharedStrings.xml", f"{crafted.XML}<sst {NS}>{strings}</sst>")
        if styles:
            archive.writestr(
                "xl/styles.xml", f"{crafted.XML}<styleSheet {NS}>{styles}</styleSheet>"
            )
    return out.getvalue()


def worksheet(rows: str) -> str:
    return f"{crafted.XML}<worksheet {NS}><sheetData>{rows}</sheetData></worksheet>"


STYLES = (
    '<numFmts count="4"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
    '<numFmt numFmtId="165" formatCode="[h]:mm"/>'
    '<numFmt numFmtId="166" formatCode="&quot;d&quot;0"/>'
    '<numFmt numFmtId="167" formatCode="[Red]0.00;[Blue]-0.00"/></numFmts>'
    '<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>'
    '<cellXfs count="7"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/>'
    '<xf numFmtId="165"/><xf numFmtId="166"/><xf numFmtId="167"/><xf numFmtId="21"/></cellXfs>'
)


def test_a_workbook_written_by_openpyxl_reads_alike():
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["STT", "Mã số thuế", "Tên doanh nghiệp", "Ngày", "Số", "Ghi chú"])
    sheet.append([1, 100233488, "  Công ty  TNHH\tĐiện tử ", datetime.date(2019, 2, 1), 1260, True])
    sheet.append(
        [2, "0314409058-002", "Cổ phần & <Đông Á>", datetime.datetime(2020, 1, 2, 3, 4), 1.5]
    )
    sheet.append([3, 12345678901234567890, "=1+1", datetime.time(6, 30), -0.0, False])
    sheet.append([None, None, None])
    sheet.append([5, "x", None, datetime.datetime(2021, 5, 6), 1e20, "Müller ặ"])
    formats = ["mm-dd-yy", "yyyy-mm-dd h:mm", "[h]:mm", "h:mm:ss", "General", "0.00%", '"d"0']
    for row, number_format in enumerate(formats, start=8):
        for column, value in enumerate([0, 0.5, 1, 60, 61, 44000.25, 2958466, -1], start=1):
            sheet.cell(row=row, column=column, value=value).number_format = number_format
    out = io.BytesIO()
    workbook.save(out)
    assert_read_alike(out.getvalue())


def test_shared_strings_rich_text_errors_and_formulas_read_alike():
    strings = (
        '<si><t>MST</t></si><si><t xml:space="preserve"> Tên  DN </t></si>'
        '<si><r><t>Công ty</t></r><r><rPr><b/></rPr><t xml:space="preserve"> Đông Á</t></r>'
        '<rPh sb="0" eb="1"><t>PHONETIC</t></rPh></si>'
        "<si><t>a&amp;b &lt;c&gt; &#273;&#x111; dòng 1_x000D_\r\ndòng 2 _x005F_x000D_</t></si>"
        "<si><t/></si><si/><si><t>x</t><rPh><t>y</t></rPh></si>"
    )
    rows = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
        '<c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c>'
        '<c r="F1" t="s"><v>5</v></c><c r="G1" t="s"><v>6</v></c></row>'
        '<row r="2"><c r="A2" t="e"><v>#DIV/0!</v></c><c r="B2" t="str"><f>A1</f><v>f &amp; o</v>'
        '</c><c r="C2" t="d"><v>2020-01-02T00:00:00</v></c><c r="D2" t="d"><v>2020-01-02T03:04:05'
        '</v></c><c r="E2" t="b"><v>1</v></c><c r="F2" s="1"><v>44000</v></c><c r="G2" s="2">'
        '<v>44000.25</v></c><c r="H2"><v>1.5E3</v></c><c r="I2" t="inlineStr"><is><r><t>in</t>'
        '</r><r><t>line</t></r></is></c><c r="J2" s="3"><v>1.25</v></c><c r="K2" s="4"><v>7</v>'
        '</c><c r="L2" s="5"><v>7.5</v></c><c r="M2" s="6"><v>0.75</v></c><c r="N2" s="9">'
        "<v>44000</v></c></row>"
        '<row r="4"><c r="B4" s="1"><v>0.75</v></c><c r="C4" s="1"><v>60</v></c>'
        '<c r="D4" s="1"><v>59</v></c><c r="E4" t="n" s="1"/><c r="F4" t="s"/><c r="G4"><v></v>'
        '</c><c r="H4" s="2" t="n" cm="1"><v>45000</v></c><c r="I4" t="n" s="2"><v>45001</v></c>'
        "</row>"
    )
    assert_read_alike(handmade(worksheet(rows), strings, STYLES))


def test_dates_of_a_workbook_counting_from_1904_read_alike():
    rows = '<row r="1"><c r="A1" s="1"><v>44000</v></c><c r="B1" s="1"><v>0</v></c></row>'
    assert_read_alike(handmade(worksheet(rows), styles=STYLES, date1904=True))


def test_cells_without_references_and_prefixed_elements_read_alike():
    cells = "".join(crafted.cell(None, value) for value in ["MST", "Tên DN", "KCN"])
    rows = f'<row r="2">{cells}</row><row>{crafted.cell(None, "x")}<c t="n"><v>5</v></c></row>'
    assert_read_alike(handmade(worksheet(rows)))
    prefixed = (
        f'{crafted.XML}<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006'
        '/main"><x:sheetData><x:row r="3"><x:c r="B3" t="inlineStr"><x:is><x:t>MST</x:t></x:is>'
        '</x:c><x:c r="C3"><x:v>12</x:v></x:c></x:row></x:sheetData></x:worksheet>'
    )
    assert_read_alike(handmade(prefixed))


def test_cells_of_a_row_out_of_order_are_placed_by_their_reference():
    rows = (
        '<row r="3"><c r="E3"><v>5</v></c><c r="C3" t="inlineStr"><is><t>c</t></is></c></row>'
        '<row r="5"><c r="D5"><v>4</v></c></row>'
    )
    assert_read_alike(handmade(worksheet(rows)))


def test_rows_out_of_order_are_refused():
    # Excel writes rows in order; a reader that streams cannot go back to a row it handed on.
    rows = '<row r="5"><c r="A5"><v>5</v></c></row><row r="3"><c r="A3"><v>3</v></c></row>'
    with pytest.raises(ImportRefused) as refused:
        read_table(handmade(worksheet(rows)))
    assert refused.value.code == "xlsx"


def test_a_shared_string_that_does_not_exist_is_refused():
    rows = '<row r="1"><c r="A1" t="s"><v>3</v></c></row>'
    with pytest.raises(ImportRefused) as refused:
        read_table(handmade(worksheet(rows), "<si><t>MST</t></si>"))
    assert refused.value.code == "xlsx"


def test_a_sheet_written_in_utf16_is_refused_as_calamine_refused_it():
    # The check's quick scan looks for cells in UTF-8: a far cell in UTF-16 must not slip by.
    rows = crafted.header_row() + f'<row r="1048576">{crafted.cell("XFD1048576", "x")}</row>'
    text = worksheet(rows).replace('encoding="UTF-8"', 'encoding="UTF-16"')
    data = handmade(text.encode("utf-16"))
    with pytest.raises(Exception):  # noqa: B017 - whatever calamine raises
        calamine_rows(data)
    with pytest.raises(ImportRefused) as refused:
        read_table(data)
    assert refused.value.code == "xlsx"
