"""Reading an import file: as a stream, and refused when it is too large for an import."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from django.utils import translation

from losen.lib.sheets import FileProblem, read_table

REQUIRED = ("a", "b")


def csv_bytes(rows: int, *, tail: bytes = b"") -> bytes:
    return b"a;b\n" + b"".join(b"%d;x\n" % i for i in range(rows)) + tail


def xlsx_bytes(rows: int) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["a", "b"])
    for i in range(rows):
        sheet.append([i, "x" * 50])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def read(name: str, data: bytes, language: str = "en") -> list[tuple[int, dict[str, str]]]:
    with translation.override(language):
        return list(read_table(name, io.BytesIO(data), REQUIRED))


def test_a_csv_and_an_xlsx_give_the_same_rows_with_the_files_line_numbers():
    assert read("f.csv", csv_bytes(2)) == [(2, {"a": "0", "b": "x"}), (3, {"a": "1", "b": "x"})]
    assert [values["a"] for _line, values in read("f.xlsx", xlsx_bytes(2))] == ["0", "1"]


def test_a_file_with_more_rows_than_the_limit_is_refused(settings):
    settings.LOSEN_IMPORT_MAX_ROWS = 3
    assert len(read("f.csv", csv_bytes(3))) == 3
    for name, data in (("f.csv", csv_bytes(4)), ("f.xlsx", xlsx_bytes(4))):
        with pytest.raises(FileProblem, match="more than 3 rows; split it into several files"):
            read(name, data)


def test_reading_stops_at_the_first_row_too_many_without_reading_the_rest(settings):
    settings.LOSEN_IMPORT_MAX_ROWS = 3
    # Bytes that are not UTF-8 after the limit: never reached, so never reported.
    with pytest.raises(FileProblem, match="more than 3 rows"):
        read("f.csv", csv_bytes(10, tail=b"\xff\xfe;x\n"))


def test_a_csv_larger_than_the_unpacked_limit_is_refused_before_it_is_read(settings):
    settings.LOSEN_IMPORT_MAX_UNPACKED_BYTES = 1000
    with pytest.raises(FileProblem, match="more than the 1000"):
        read("f.csv", csv_bytes(300, tail=b"\xff\n"))


def test_an_xlsx_whose_members_unpack_beyond_the_limit_is_refused_before_it_is_opened(settings):
    settings.LOSEN_IMPORT_MAX_UNPACKED_BYTES = 200_000
    data = xlsx_bytes(5000)
    assert len(data) < 200_000  # small packed: only the declared sizes tell
    with pytest.raises(FileProblem, match="unpacks to"):
        read("f.xlsx", data)


def test_a_zip_bomb_is_refused_from_its_directory_alone(settings):
    # A "sheet" of 50 MB of zeros packs into about 50 kB; it is not a workbook at all,
    # so reaching openpyxl would say "cannot be read as XLSX" instead.
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
    settings.LOSEN_IMPORT_MAX_UNPACKED_BYTES = 10 * 1024 * 1024
    with pytest.raises(FileProblem, match="unpacks to 50.0"):
        read("f.xlsx", out.getvalue())


def test_a_file_that_is_not_a_zip_archive_is_not_an_xlsx():
    with pytest.raises(FileProblem, match="cannot be read as XLSX"):
        read("f.xlsx", b"a;b\n1;2\n")


def test_a_byte_that_is_not_utf8_is_named_by_its_place_in_the_file():
    with pytest.raises(FileProblem, match=r"not UTF-8 text \(byte 10\)"):
        read("f.csv", b"a;b\n1;2\n3;\xff\n")


def test_a_field_too_large_for_csv_is_a_problem_of_the_file_not_a_crash():
    with pytest.raises(FileProblem, match="line 2 cannot be read as CSV"):
        read("f.csv", b"a;b\n1;" + b"x" * 200_000 + b"\n")


def test_the_problems_are_told_in_the_active_language(settings):
    settings.LOSEN_IMPORT_MAX_ROWS = 1
    message = "the file has more than %(rows)s rows; split it into several files"
    for language in ("nb", "sv"):
        with pytest.raises(FileProblem) as refused:
            read("f.csv", csv_bytes(2), language)
        with translation.override(language):
            assert str(refused.value) == translation.gettext(message) % {"rows": 1}
        assert str(refused.value) != message % {"rows": 1}


def test_an_xlsx_that_declares_the_whole_sheet_is_read_row_by_row_as_written(settings):
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes(2))) as source, zipfile.ZipFile(out, "w") as copy:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(
                    b'<dimension ref="A1:B3" />', b'<dimension ref="A1:XFD1048576" />'
                )
                assert b"XFD1048576" in data
            copy.writestr(member, data)
    rows = read("f.xlsx", out.getvalue())
    assert [values["a"] for _line, values in rows] == ["0", "1"]
    assert [line for line, _values in rows] == [2, 3]


def test_the_problems_every_import_meets_are_worded_once_in_the_users_language():
    from losen.lib import sheets

    with translation.override("nb"):
        assert str(sheets.empty("first_name")) == "first_name er tom"
        assert str(sheets.too_long("city", 100)) == "city er lengre enn 100 tegn"
    with translation.override("sv"):
        assert str(sheets.in_the_future("birth_date", "01.02.2030")) == (
            "birth_date 01.02.2030 ligger i framtiden"
        )
        with pytest.raises(sheets.RowProblem, match="'31.02.2020' är inte ett datum"):
            sheets.date_in("birth_date", "31.02.2020")
    assert sheets.date_in("birth_date", "2020-02-29").isoformat() == "2020-02-29"
