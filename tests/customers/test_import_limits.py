"""The importer's bounds: unpacked size and cell length, mixed encodings, shortened errors."""

import io
import zipfile

import pytest
from django.utils import translation

from customers.importing.reader import ImportFileError, decode, read_table
from tests.customers.import_helpers import csv_bytes, review, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _mixed_file():
    """A UTF-8 file with rows 3 and 5 pasted from a Windows-1252 file."""
    lines = [
        b"Kundnamn;Ort",
        "Åkeri AB;Umeå".encode(),
        "Älvdalens Trä AB;Älvdalen".encode("cp1252"),
        "Östra Bygg AB;Örebro".encode(),
        "Sågverket AB;Sälen".encode("cp1252"),
    ]
    return b"\r\n".join(lines) + b"\r\n"


def test_a_file_mixing_utf8_and_windows_1252_is_refused_naming_the_rows():
    with pytest.raises(ImportFileError) as refused:
        read_table(_mixed_file())
    message = refused.value.message
    assert "rows 3, 5 are not" in message
    assert "UTF-8" in message


def test_a_bom_file_with_rows_that_do_not_decode_is_refused_not_read_with_replacements():
    content = b"\xef\xbb\xbf" + "Kundnamn\r\nÅkeri AB\r\n".encode() + "Ö AB\r\n".encode("cp1252")
    with pytest.raises(ImportFileError) as refused:
        decode(content)
    assert "rows 3 are not" in refused.value.message


def test_a_plain_windows_1252_file_is_still_read_as_such():
    text, encoding = decode("Kundnamn\r\nÅkeri AB – Väst\r\n".encode("cp1252"))
    assert (text.splitlines()[1], encoding) == ("Åkeri AB – Väst", "Windows-1252")


def test_an_xlsx_unpacking_beyond_the_limit_is_refused_before_it_is_parsed(settings):
    settings.KUNDKORT_IMPORT_MAX_UNPACKED_SIZE = 200_000
    rows = [[f"Kund {i} AB", "Lund " * 20] for i in range(2_000)]
    content = xlsx_bytes(["Kundnamn", "Beskrivning"], rows)
    assert len(content) < settings.KUNDKORT_IMPORT_MAX_UNPACKED_SIZE  # small when packed
    with pytest.raises(ImportFileError) as refused:
        read_table(content, "bomb.xlsx")
    assert "unpacks to" in refused.value.message


def test_an_xlsx_cell_over_the_limit_is_found_in_the_xml_before_parsing(settings):
    settings.KUNDKORT_IMPORT_MAX_CELL_LENGTH = 100
    content = xlsx_bytes(["Kundnamn", "Beskrivning"], [["Stor AB", "x" * 5_000]])
    with pytest.raises(ImportFileError) as refused:
        read_table(content, "cell.xlsx")
    assert "at most 100" in refused.value.message


def test_a_cell_just_over_the_limit_is_named_by_row_and_column(settings):
    settings.KUNDKORT_IMPORT_MAX_CELL_LENGTH = 100
    for content, name in (
        (csv_bytes(["Kundnamn", "Beskrivning"], [["A AB", "kort"], ["B AB", "y" * 101]]), "a.csv"),
        (
            xlsx_bytes(["Kundnamn", "Beskrivning"], [["A AB", "kort"], ["B AB", "y" * 101]]),
            "a.xlsx",
        ),
    ):
        with pytest.raises(ImportFileError) as refused:
            read_table(content, name)
        assert 'Row 3, column "Beskrivning" holds 101 characters' in refused.value.message, name


def test_a_csv_cell_over_the_csv_modules_own_limit_is_a_clear_message():
    content = csv_bytes(["Kundnamn"], [['"' + "z" * 200_000 + '"']])
    with pytest.raises(ImportFileError) as refused:
        read_table(content, "huge.csv")
    assert "a cell may hold at most" in refused.value.message


def test_a_broken_zip_is_an_error_about_the_workbook():
    content = b"PK\x03\x04" + b"not a zip at all" * 10
    with pytest.raises(ImportFileError) as refused:
        read_table(content, "broken.xlsx")
    assert "Excel workbook" in refused.value.message


def test_the_error_list_shows_a_shortened_value(admin_user):
    long_email = "a" * 5_000 + "@"
    result = review(csv_bytes(["Kundnamn", "E-post"], [["Kund AB", long_email]]), admin_user)
    (error,) = result.errors
    assert len(error.value) <= 100
    assert error.value.endswith("…")


def test_the_unpacked_limit_counts_every_member(settings):
    """A zip whose one member is large unpacked is refused even if it is not a sheet."""
    settings.KUNDKORT_IMPORT_MAX_UNPACKED_SIZE = 50_000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * 100_000)
    with pytest.raises(ImportFileError):
        read_table(buffer.getvalue(), "padded.xlsx")
