"""Files the import tests write themselves: CSV in any encoding and delimiter, and XLSX."""

import csv
import io

from customers.importing.engine import ImportOptions, run_import

SV_HEADER = [
    "Kundnummer",
    "Kundnamn",
    "Organisationsnummer",
    "Land",
    "Webbplats",
    "Bransch",
    "Adressrad 1",
    "Postnummer",
    "Ort",
    "Adresstyper",
    "Huvudkontor",
    "Kontakt förnamn",
    "Kontakt efternamn",
    "Kontakt titel",
    "Kontakt e-post",
    "Kundgrupperingar",
]
# The rows of shared/samples/customers_sv_excel.csv (Swedish Excel: Windows-1252, ';', CRLF).
SV_ROWS = [
    [
        "",
        "Åkerlunds Bygg AB",
        "556036-0793",
        "SE",
        "https://akerlundsbygg.se",
        "Bygg",
        "Storgatan 1",
        "111 22",
        "Stockholm",
        "post,besök,faktura",
        "ja",
        "Örjan",
        "Lindström",
        "VD",
        "orjan@akerlundsbygg.se",
        "Region\\Stockholm|Storlek\\Medel",
    ],
    [
        "",
        "Åkerlunds Bygg AB",
        "",
        "",
        "",
        "",
        "Industrivägen 5",
        "721 30",
        "Västerås",
        "besök",
        "nej",
        "Märta",
        "Öberg",
        "Inköpare",
        "marta@akerlundsbygg.se",
        "",
    ],
    [
        "",
        "Café Söder HB",
        "",
        "SE",
        "",
        "Restaurang",
        "Götgatan 12",
        "118 46",
        "Stockholm",
        "post,faktura",
        "ja",
        "",
        "",
        "",
        "",
        "Region\\Stockholm",
    ],
]
EN_HEADER = [
    "Customer name",
    "Organisation number",
    "Country",
    "Industry",
    "Address line 1",
    "Postal code",
    "City",
    "Address types",
    "Head office",
    "Contact first name",
    "Contact last name",
    "Contact email",
    "Groupings",
]
# The rows of shared/samples/customers_en.csv (UTF-8, ',', LF, quoted address types).
EN_ROWS = [
    [
        "Nordic Consulting Oy",
        "",
        "FI",
        "Consulting",
        "Mannerheimintie 10",
        "00100",
        "Helsinki",
        "postal,visiting,billing",
        "yes",
        "Aino",
        "Virtanen",
        "aino@nordic.example",
        "Region\\Finland",
    ],
    [
        "Fjord Analytics AS",
        "",
        "NO",
        "Consulting",
        "Karl Johans gate 2",
        "0154",
        "Oslo",
        "postal,billing",
        "yes",
        "Ola",
        "Nordmann",
        "ola@fjord.example",
        "Region\\Norway|Size\\Small",
    ],
]


def csv_bytes(header, rows, *, encoding="utf-8", delimiter=";", newline="\r\n", bom=False):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(header, rows):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def review(content, user=None, file_name="test.csv", **options):
    return run_import(
        content, file_name=file_name, options=ImportOptions(**options), user=user, commit=False
    )


def confirm(content, user=None, file_name="test.csv", **options):
    return run_import(
        content, file_name=file_name, options=ImportOptions(**options), user=user, commit=True
    )


def sv_file(**kwargs):
    return csv_bytes(SV_HEADER, SV_ROWS, encoding="cp1252", **kwargs)


def en_file(**kwargs):
    return csv_bytes(EN_HEADER, EN_ROWS, delimiter=",", newline="\n", **kwargs)


def one_row(**cells):
    """A semicolon UTF-8 file with English headers and one row of ``cells`` (header: value)."""
    header = list(cells)
    return csv_bytes(header, [[cells[h] for h in header]])
