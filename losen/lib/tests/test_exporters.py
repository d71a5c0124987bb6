from losen.lib.exporters import Exporter, csv_lines, escape_cell


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
        '\ufeffNavn;Merknad\r\nÅse Øvrebø;"\'=HYPERLINK(""http://x"")"\r\n"Bo; Ek";\'+46\r\n'
    )
