"""The importer reads the files people have: encodings, delimiters, XLSX, headers, limits."""

import pytest

from customers.importing.reader import ImportFileError, decode, read_table
from customers.models import Customer
from tests.customers.import_helpers import (
    EN_HEADER,
    EN_ROWS,
    SV_HEADER,
    SV_ROWS,
    csv_bytes,
    review,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

NAME = "Åkerlunds Bygg AB"


@pytest.mark.parametrize(
    ("encoding", "bom", "expected"),
    [
        ("utf-8", False, "UTF-8"),
        ("utf-8", True, "UTF-8 (BOM)"),
        ("cp1252", False, "ISO-8859-1 / Windows-1252"),
        ("iso-8859-1", False, "ISO-8859-1 / Windows-1252"),
    ],
)
@pytest.mark.parametrize("delimiter", [";", ","])
def test_each_encoding_and_delimiter_keeps_swedish_letters(encoding, bom, expected, delimiter):
    content = csv_bytes(SV_HEADER, SV_ROWS, encoding=encoding, delimiter=delimiter, bom=bom)
    table = read_table(content)
    assert table.encoding == expected
    assert table.delimiter == delimiter
    assert table.rows[0][1][1] == NAME
    assert table.rows[1][1][8] == "Västerås"


def test_windows_1252_only_characters_are_detected():
    content = "Kundnamn;Beskrivning\r\nÅkerlunds Bygg AB;Pris – 100 €\r\n".encode("cp1252")
    text, encoding = decode(content)
    assert encoding == "Windows-1252"
    assert "Pris – 100 €" in text


def test_iso_8859_1_with_bytes_undefined_in_windows_1252_is_read_as_latin_1():
    content = b"Kundnamn\r\n\xc5kerlunds\x81 Bygg AB\r\n"
    _text, encoding = decode(content)
    assert encoding == "ISO-8859-1"


def test_lf_line_endings_and_quoted_fields_with_delimiters_and_newlines():
    content = ('Kundnamn;Beskrivning\n"Åkerlunds; Bygg AB";"rad ett\nrad två ""citat"""\n').encode()
    table = read_table(content)
    assert table.rows == [(2, ("Åkerlunds; Bygg AB", 'rad ett\nrad två "citat"'))]


def test_excel_trailing_empty_columns_and_rows_are_ignored():
    content = "Kundnamn;Ort;;;\r\nÅkerlunds Bygg AB;Stockholm;;;\r\n;;;;\r\n;;;;\r\n".encode(
        "cp1252"
    )
    table = read_table(content)
    assert [c.key for c in table.columns] == ["name", "city"]
    assert table.rows == [(2, (NAME, "Stockholm"))]


def test_xlsx_is_read_with_numbers_as_text():
    content = xlsx_bytes(["Kundnummer", "Kundnamn", "Postnummer"], [[4711, NAME, 11122]])
    table = read_table(content, "kunder.xlsx")
    assert table.file_format == "xlsx"
    assert table.rows == [(2, ("4711", NAME, "11122"))]


def test_xlsx_file_imports_customers():
    result = review(xlsx_bytes(EN_HEADER, EN_ROWS), file_name="c.xlsx", create_missing=True)
    assert not result.has_errors
    assert result.new_customers == 2


def test_headers_match_in_either_language_any_case_and_spacing():
    content = csv_bytes(["  KUNDNAMN ", "customer NUMBER", "Kontakt  E-post"], [["A", "1", ""]])
    assert [c.key for c in read_table(content).columns] == ["name", "number", "contact_email"]


def test_unknown_header_stops_before_any_row_and_suggests_the_closest():
    content = csv_bytes(["Kundnamn", "Postnumer"], [[NAME, "111 22"]])
    result = review(content)
    assert "Postnumer" in result.file_error
    assert "Postnummer" in result.file_error
    assert result.rows == []


def test_unknown_header_without_anything_close_names_it():
    with pytest.raises(ImportFileError) as exc:
        read_table(csv_bytes(["Kundnamn", "Xyzzy"], [["A", "b"]]))
    assert "Xyzzy" in exc.value.message


def test_header_given_twice_is_an_error():
    with pytest.raises(ImportFileError):
        read_table(csv_bytes(["Kundnamn", "Customer name"], [["A", "A"]]))


def test_file_without_name_or_number_column_is_an_error():
    with pytest.raises(ImportFileError):
        read_table(csv_bytes(["Ort"], [["Stockholm"]]))


def test_file_over_the_size_limit_is_refused_with_the_limit_in_the_message(settings):
    settings.KUNDKORT_IMPORT_MAX_FILE_SIZE = 100
    result = review(csv_bytes(["Kundnamn"], [[f"Kund {i}"] for i in range(50)]))
    assert "100" in result.file_error
    assert not Customer.objects.exists()


def test_file_over_the_row_limit_is_refused_with_the_limit_in_the_message(settings):
    settings.KUNDKORT_IMPORT_MAX_ROWS = 10
    result = review(csv_bytes(["Kundnamn"], [[f"Kund {i}"] for i in range(11)]))
    assert "10" in result.file_error
    assert result.rows == []


def test_file_at_the_row_limit_is_read(settings):
    settings.KUNDKORT_IMPORT_MAX_ROWS = 10
    result = review(csv_bytes(["Kundnamn"], [[f"Kund {i}"] for i in range(10)]))
    assert not result.has_errors
    assert result.new_customers == 10


def test_empty_file_is_an_error():
    assert review(b"").file_error


def test_broken_xlsx_is_an_error():
    assert review(b"PK\x03\x04not really a zip", file_name="x.xlsx").file_error


def test_escaped_formula_cells_from_an_export_are_read_back_without_the_quote():
    table = read_table(csv_bytes(["Kundnamn", "Kontakt telefon"], [["A", "'+46701234567"]]))
    assert table.rows[0][1] == ("A", "+46701234567")


def test_xlsx_is_parsed_with_defusedxml():
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML


@pytest.mark.parametrize(
    ("value", "code"),
    [("SE", "SE"), ("no", "NO"), ("Sverige", "SE"), ("Norway", "NO"), ("finland", "FI")],
)
def test_country_is_an_iso_code_or_an_english_or_swedish_name(value, code):
    from customers.importing.values import clean_country

    assert clean_country(value) == code
