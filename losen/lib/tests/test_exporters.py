import datetime
import io
import zipfile
from decimal import Decimal

import openpyxl
from django.utils import timezone, translation

from losen.lib.exporters import (
    XLSX_CONTENT_TYPE,
    Exporter,
    as_of_text,
    csv_lines,
    escape_cell,
    period_text,
    sheet_title,
    xlsx_bytes,
    xlsx_response,
)


class Sample(Exporter):
    title = "Sample"

    def header(self):
        return ["Navn", "Merknad"]

    def rows(self):
        yield ["Åse Øvrebø", '=HYPERLINK("http://x")']
        yield ["Bo; Ek", "+46"]


def test_it_escapes_cells_that_a_spreadsheet_would_run_as_formulas():
    for dangerous in ["=1+1", "+47", "-3", "@SUM(A1)"]:
        assert escape_cell(dangerous) == "'" + dangerous
    assert escape_cell("Nora") == "Nora"
    assert escape_cell(None) == ""


def test_it_writes_semicolon_separated_utf8_with_a_byte_order_mark():
    text = "".join(csv_lines(Sample()))
    assert text.startswith("\ufeff")
    assert text == (
        "\ufeffSample\r\n"
        'Navn;Merknad\r\nÅse Øvrebø;"\'=HYPERLINK(""http://x"")"\r\n"Bo; Ek";\'+46\r\n'
    )


class Nordic(Exporter):
    title = "Deltakere: 2025/26 [Øst*Vest?] med et navn som er for langt"
    filename = "deltakere"

    def header(self):
        return ["Navn", "Merknad", "Antall", "Andel", "Beløp", "Dato"]

    def rows(self):
        yield ["Æsa Øvrebø Ås", "=SUM(A1)", 12, 0.25, Decimal("1234.50"), datetime.date(2025, 8, 1)]
        yield ["Mäkelä Åström", "+4712345678", 0, 1.0, Decimal("0"), None]
        yield ["Björk Öberg", "-3", 7, None, None, datetime.date(2025, 12, 31)]
        yield ["Tab", "\tskjult", "@kilde", "\rretur", "bell\x07", "–"]


def test_csv_keeps_nordic_letters_and_escapes_formula_looking_cells():
    data = b"".join(line.encode("utf-8") for line in csv_lines(Nordic()))
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    for letters in ["Æsa Øvrebø Ås", "Mäkelä Åström", "Björk Öberg"]:
        assert letters in text
    assert ";'=SUM(A1);" in text
    assert ";'+4712345678;" in text
    assert ";'-3;" in text
    assert ";'@kilde;" in text
    assert text.endswith("\r\n")


def load(exporter):
    return openpyxl.load_workbook(io.BytesIO(xlsx_bytes(exporter))).active


def test_xlsx_keeps_nordic_letters_and_stores_formula_looking_cells_as_text():
    sheet = load(Nordic())
    assert sheet["A3"].value == "Æsa Øvrebø Ås"
    assert sheet["A4"].value == "Mäkelä Åström"
    assert sheet["A5"].value == "Björk Öberg"
    for ref, text in [("B3", "'=SUM(A1)"), ("B4", "'+4712345678"), ("B5", "'-3")]:
        assert sheet[ref].value == text
        assert sheet[ref].data_type == "s"
    assert sheet["C6"].value == "'@kilde"
    assert sheet["B6"].value == "'\tskjult"
    assert sheet["E6"].value == "bell"  # a control character XML cannot hold is dropped


def test_xlsx_keeps_numbers_as_numbers_and_dates_as_dates():
    sheet = load(Nordic())
    assert sheet["C3"].value == 12
    assert sheet["C3"].data_type == "n"
    assert sheet["D3"].value == 0.25
    assert sheet["E3"].value == 1234.5
    assert sheet["E3"].data_type == "n"
    assert sheet["F3"].value == datetime.datetime(2025, 8, 1)
    assert sheet["F3"].is_date
    assert sheet["F4"].value is None


def test_xlsx_has_a_bold_header_and_a_sheet_name_excel_accepts():
    sheet = load(Nordic())
    assert [c.value for c in sheet[2]] == ["Navn", "Merknad", "Antall", "Andel", "Beløp", "Dato"]
    assert all(c.font.bold for c in sheet[2])
    assert not sheet["A3"].font.bold
    assert sheet.title == "Deltakere 2025 26 Øst Vest med"
    assert len(sheet.title) <= 31


class Figures(Exporter):
    title = "Resultater måned for måned"
    about = "Demo kommune · Team Nord · januar 2026 – mars 2026"

    def header(self):
        return ["Måned", "Henvist"]

    def rows(self):
        yield [datetime.date(2026, 1, 1), 5]


def test_the_csv_says_whose_figures_and_when_on_its_first_line():
    lines = "".join(csv_lines(Figures())).lstrip("\ufeff").split("\r\n")
    assert (
        lines[0]
        == "Resultater måned for måned · Demo kommune · Team Nord · januar 2026 – mars 2026"
    )
    assert lines[1] == "Måned;Henvist"
    assert lines[2] == "2026-01-01;5"


def test_the_xlsx_has_a_bold_title_row_above_the_header():
    sheet = load(Figures())
    assert sheet["A1"].value == (
        "Resultater måned for måned · Demo kommune · Team Nord · januar 2026 – mars 2026"
    )
    assert sheet["A1"].font.bold
    assert [c.value for c in sheet[2]] == ["Måned", "Henvist"]
    assert sheet.freeze_panes == "A3"
    assert sheet.title == "Resultater måned for måned"


def test_a_period_of_one_month_is_written_once():
    with translation.override("nb"):
        assert period_text(datetime.date(2026, 1, 1), datetime.date(2026, 1, 31)) == "januar 2026"
        assert (
            period_text(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
            == "januar 2026 – mars 2026"
        )
    with translation.override("sv"):
        assert as_of_text(datetime.date(2026, 12, 4)) == "per den 4 december 2026"


def test_sheet_titles_lose_characters_excel_forbids():
    assert sheet_title("a[b]c:d*e?f/g\\h") == "a b c d e f g h"
    assert sheet_title("'quoted'") == "quoted"
    assert sheet_title("") == "Rapport"
    assert sheet_title("x" * 40) == "x" * 31


def test_a_long_sheet_title_is_cut_between_words():
    title = "Avslutninger i perioden etter status, med andeler"
    assert sheet_title(title) == "Avslutninger i perioden etter"
    assert sheet_title("Resultater måned for måned") == "Resultater måned for måned"
    assert sheet_title("a" * 31 + " b") == "a" * 31


def test_xlsx_writes_aware_datetimes_in_local_time():
    class Stamped(Exporter):
        def header(self):
            return ["Tid"]

        def rows(self):
            yield [datetime.datetime(2025, 1, 1, 12, 0, tzinfo=datetime.UTC)]

    sheet = load(Stamped())
    assert sheet["A3"].value == timezone.make_naive(
        timezone.localtime(datetime.datetime(2025, 1, 1, 12, 0, tzinfo=datetime.UTC))
    )


def test_xlsx_response_is_an_attachment():
    response = xlsx_response(Nordic())
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="deltakere.xlsx"'
    assert response.content.startswith(b"PK")


def test_xlsx_writes_fifty_thousand_rows():
    class Many(Exporter):
        title = "Mange"

        def header(self):
            return ["Nr", "Navn", "Beløp"]

        def rows(self):
            for n in range(50_000):
                yield [n, f"Person {n} Ø", n * 1.5]

    data = xlsx_bytes(Many())
    # Count rows in the sheet's XML rather than load 50,000 rows back (slow, and the
    # small tests above already read cells back).
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        (name,) = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        xml = archive.read(name)
    assert xml.count(b"<row ") == 50_002
    assert "Person 49999 Ø".encode() in xml
