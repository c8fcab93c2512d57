"""The one-sheet XLSX writer: a well-formed package whose cells hold what was given."""

import io
import zipfile
from decimal import Decimal
from xml.etree import ElementTree

from relos.logistics.statements.xlsx import Cell, workbook

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def test_a_workbook_has_the_parts_and_the_cells() -> None:
    rows: list[list[Cell]] = [
        ["ref", "amount"],
        ["d1 <fuel & oil>", Decimal("-7000000.00")],
        ["x", None, 3],
    ]
    data = workbook("IN 2026-01-01", rows)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        parts = {name: ElementTree.fromstring(archive.read(name)) for name in names}
    assert names == {
        "[Content_Types].xml",
        "_rels/.rels",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "xl/worksheets/sheet1.xml",
    }
    sheet = parts["xl/worksheets/sheet1.xml"]
    cells = {c.get("r"): c for c in sheet.iter(f"{{{NS['m']}}}c")}
    assert cells["A2"].find("m:is/m:t", NS).text == "d1 <fuel & oil>"  # type: ignore[union-attr]
    assert cells["B2"].find("m:v", NS).text == "-7000000.00"  # type: ignore[union-attr]
    assert "B3" not in cells and cells["C3"].find("m:v", NS).text == "3"  # type: ignore[union-attr]
    [sheet_entry] = parts["xl/workbook.xml"].iter(f"{{{NS['m']}}}sheet")
    assert sheet_entry.get("name") == "IN 2026-01-01"


def test_columns_past_z_are_named_like_a_spreadsheet() -> None:
    data = workbook("wide", [list(range(28))])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert 'r="Z1"' in sheet and 'r="AA1"' in sheet and 'r="AB1"' in sheet
