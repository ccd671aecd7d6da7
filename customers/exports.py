"""Writing tables for download: formula escaping, CSV that Swedish Excel opens, and XLSX.

Every export (the customer report's, the importer's) goes through ``escape_cell`` so a value a
customer typed ("=HYPERLINK(...)") never runs as a formula in the spreadsheet that opens it.
``csv_stream`` yields the file piece by piece for a ``StreamingHttpResponse``; ``xlsx_bytes``
builds the workbook in openpyxl's write-only mode, which keeps only one row in memory.
"""

import csv
import io
import tempfile

from openpyxl import Workbook

# Characters a spreadsheet reads as the start of a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_DELIMITERS = {"semicolon": ";", "comma": ","}
BOM = "\ufeff"


def escape_cell(value):
    """Return ``value`` for a spreadsheet cell: text that starts like a formula gets a quote.

    Numbers, dates and booleans pass unchanged (a negative number is a number, not a formula);
    ``None`` becomes an empty string.
    """
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def escape_row(row):
    return [escape_cell(value) for value in row]


class _Echo:
    """A file-like object whose write returns what it was given (csv.writer into a generator)."""

    def write(self, value):
        return value


def csv_stream(header, rows, *, delimiter=";"):
    """Yield CSV text: a BOM (so Excel reads UTF-8), the header, then each escaped row.

    ``rows`` is any iterable of sequences; it is consumed lazily, so a queryset iterator with
    a chunk size streams a large export without holding it in memory.
    """
    writer = csv.writer(_Echo(), delimiter=delimiter, lineterminator="\r\n")
    yield BOM + writer.writerow(escape_row(header))
    for row in rows:
        yield writer.writerow(escape_row(row))


def csv_text(header, rows, *, delimiter=";"):
    """The whole CSV as one string (for small exports and tests)."""
    return "".join(csv_stream(header, rows, delimiter=delimiter))


def xlsx_bytes(header, rows, *, title="Export"):
    """An XLSX workbook with one sheet: the header in bold, then each escaped row."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    bold = Font(bold=True)
    header_cells = []
    for value in header:
        cell = WriteOnlyCell(sheet, value=escape_cell(value))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append(escape_row(row))
    # Write-only workbooks spool rows to a temporary file; save to a spooled buffer as well.
    with tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024) as buffer:
        workbook.save(buffer)
        buffer.seek(0)
        return buffer.read()


def read_xlsx_rows(content):
    """The rows of the first sheet of an XLSX file as lists of values (for tests and checks)."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True)
    sheet = workbook.worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]
