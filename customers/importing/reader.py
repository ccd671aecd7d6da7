"""Reading an uploaded CSV or XLSX file into header columns and rows of stripped strings.

Real files come from Excel in Swedish Windows (Windows-1252, semicolons, CRLF, trailing empty
columns and rows), from other systems (UTF-8 with or without BOM, commas) and as XLSX. Every
problem with the file as a whole raises ``ImportFileError`` before any row is looked at.
"""

import csv
import datetime
import decimal
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from ..input_safety import has_control_characters, strip_control_characters
from .columns import match_header, suggest_header

XLSX_MAGIC = b"PK\x03\x04"
# Columns whose values repeat across rows (a few distinct values, or one customer's rows).
REPEATING = {
    "name",
    "country",
    "industry",
    "owner",
    "payment_term",
    "invoice_template",
    "price_list",
    "currency",
    "einvoice_operator",
    "city",
    "postal_code",
    "address_country",
    "address_types",
    "head_office",
    "contact_title",
    "contact_role",
    "groupings",
}
FORMULA_STARTS = {"=", "+", "-", "@", "\t", "\r"}
# Bytes 0x80-0x9F are printable in Windows-1252 but control characters in ISO-8859-1; these five
# are undefined in Windows-1252, so a file containing them can only be ISO-8859-1.
_CP1252_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}


# A valid UTF-8 sequence of two to four bytes: text written as Windows-1252 practically never
# holds one (Å is 0xC5 followed by a letter there), so a file that is not valid UTF-8 but holds
# these mixes encodings (rows pasted from a Windows-1252 file into a UTF-8 one).
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
# How many of the rows that do not decode an error names.
_NAMED_ROWS = 10
# In XLSX XML a character takes at most 10 bytes (&#x10FFFF;): a run of text between tags longer
# than this many bytes per allowed character is a cell over the limit, found before parsing.
_XML_BYTES_PER_CHARACTER = 10


class ImportFileError(Exception):
    """The file as a whole cannot be imported (the message says why, in the user's language)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    """The columns the header row names, and the data rows as (row number, values) pairs."""

    columns: list  # Column per position in ``values``
    headers: dict = field(default_factory=dict)  # column key -> the header as the file writes it
    rows: list = field(default_factory=list)  # [(spreadsheet row number, tuple of str)]
    encoding: str = ""
    delimiter: str = ""
    file_format: str = "csv"


def check_size(size):
    limit = settings.KUNDKORT_IMPORT_MAX_FILE_SIZE
    if size > limit:
        raise ImportFileError(
            _("The file is %(size)s; files up to %(limit)s can be imported. Split it into parts.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )


# Rows between two calls of read_table's ``progress``.
PROGRESS_ROWS = 1000


def read_table(content, file_name="", progress=None):
    """Read ``content`` (bytes) as XLSX when it is one, else as CSV; return a ``Table``.

    ``progress(rows_read, rows_expected)``, when given, hears every ``PROGRESS_ROWS`` rows;
    ``rows_expected`` is an estimate (the CSV's lines, the sheet's last row) until the end.
    """
    check_size(len(content))
    if not content.strip():
        raise ImportFileError(_("The file is empty."))
    if content[:4] == XLSX_MAGIC or str(file_name).lower().endswith(".xlsx"):
        return _read_xlsx(content, progress)
    return _read_csv(content, progress)


def _rows_not_utf8(content):
    """The line numbers (1 = the header) of ``content`` that are not valid UTF-8."""
    return [
        number
        for number, line in enumerate(content.split(b"\n"), start=1)
        if not _decodes_as_utf8(line)
    ]


def _decodes_as_utf8(line):
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _mixed_encoding_error(content):
    rows = _rows_not_utf8(content)
    named = ", ".join(str(n) for n in rows[:_NAMED_ROWS])
    if len(rows) > _NAMED_ROWS:
        named = _("%(rows)s and %(count)s more") % {
            "rows": named,
            "count": len(rows) - _NAMED_ROWS,
        }
    return ImportFileError(
        _(
            "The file mixes character encodings: it is written in UTF-8, but rows %(rows)s are "
            "not (they were probably copied from a file saved as Windows-1252). Save the whole "
            "file as UTF-8 and import it again. Nothing was imported."
        )
        % {"rows": named}
    )


def decode(content):
    """Return (text, encoding name): UTF-8 (BOM or not), else Windows-1252 or ISO-8859-1.

    A file that is UTF-8 in part (a BOM, or valid multi-byte sequences) and not in others is
    refused with the rows that do not decode, rather than read wrongly as a whole.
    """
    if content.startswith(b"\xef\xbb\xbf"):
        try:
            return content[3:].decode("utf-8"), "UTF-8 (BOM)"
        except UnicodeDecodeError:
            raise _mixed_encoding_error(content[3:]) from None
    try:
        return content.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    if _UTF8_MULTIBYTE.search(content):
        raise _mixed_encoding_error(content)
    high = set(content.translate(None, bytes(range(0x80))).translate(None, bytes(range(0xA0, 256))))
    if high & _CP1252_UNDEFINED:
        return content.decode("iso-8859-1"), "ISO-8859-1"
    if high:
        return content.decode("cp1252"), "Windows-1252"
    # Without bytes 0x80-0x9F the two encodings read the same; Å, Ä, Ö are identical in both.
    return content.decode("iso-8859-1"), "ISO-8859-1 / Windows-1252"


def _delimiter(header_line):
    counts = {d: header_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _read_csv(content, progress=None):
    text, encoding = decode(content)
    del content
    first_line = text[: text.find("\n")] if "\n" in text else text
    delimiter = _delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"')
    try:
        header = next(reader, None)
        # Only a file with a quote before a formula character can hold escaped cells.
        escaped = any(f"'{c}" in text for c in FORMULA_STARTS)
        # Lines after the header: the rows, unless cells hold line breaks (then fewer rows).
        expected = text.count("\n") - 1 + (not text.endswith("\n"))
        table = _table(header, reader, escaped, progress=progress, expected=expected)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise _cell_too_long(reader.line_num, None, None) from exc
        raise ImportFileError(
            _("The file could not be read as CSV (line %(line)s): %(error)s")
            % {"line": reader.line_num, "error": exc}
        ) from exc
    table.encoding = encoding
    table.delimiter = delimiter
    return table


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, decimal.Decimal | int):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _cell_too_long(row, column, length):
    limit = settings.KUNDKORT_IMPORT_MAX_CELL_LENGTH
    where = (
        _('Row %(row)s, column "%(column)s"') % {"row": row, "column": column}
        if column
        else _("Row %(row)s") % {"row": row}
        if row
        else _("A cell")
    )
    if length:
        what = _("%(where)s holds %(length)s characters") % {
            "where": where,
            "length": f"{length:,}".replace(",", "\u00a0"),
        }
    else:
        what = _("%(where)s holds more characters") % {"where": where}
    return ImportFileError(
        _("%(what)s; a cell may hold at most %(limit)s. Nothing was imported.")
        % {"what": what, "limit": f"{limit:,}".replace(",", "\u00a0")}
    )


def _longest_text_run(stream, longer_than):
    """True when ``stream`` (XML bytes) holds more than ``longer_than`` bytes between tags.

    Read in chunks, so a cell of hundreds of megabytes is found without holding it; split in
    C (``bytes.split``), so it stays linear whatever the runs look like.
    """
    run = 0
    while chunk := stream.read(1 << 20):
        parts = chunk.split(b"<")
        run += len(parts[0])
        if run > longer_than:
            return True
        if len(parts) > 1:
            if len(parts) > 2 and max(map(len, parts[1:-1])) > longer_than:
                return True
            run = len(parts[-1])
    return run > longer_than


def check_xlsx_limits(content):
    """Refuse an XLSX whose XML unpacks beyond the limit, or holds a cell over the cell limit,
    before openpyxl parses it: a few megabytes of zip can unpack to gigabytes."""
    limit = settings.KUNDKORT_IMPORT_MAX_UNPACKED_SIZE
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            unpacked = sum(member.file_size for member in members)
            if unpacked > limit:
                raise ImportFileError(
                    _(
                        "The workbook unpacks to %(size)s; workbooks up to %(limit)s unpacked can "
                        "be imported. Split it into parts, or save it as CSV."
                    )
                    % {"size": filesizeformat(unpacked), "limit": filesizeformat(limit)}
                )
            longest = settings.KUNDKORT_IMPORT_MAX_CELL_LENGTH * _XML_BYTES_PER_CHARACTER
            for member in members:
                name = member.filename
                if not (name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml"):
                    continue
                if member.file_size <= longest:
                    continue
                with archive.open(member) as stream:
                    if _longest_text_run(stream, longest):
                        raise _cell_too_long(None, None, None)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError) as exc:
        raise ImportFileError(
            _("The file could not be read as an Excel workbook (.xlsx): %(error)s") % {"error": exc}
        ) from exc


def _read_xlsx(content, progress=None):
    # openpyxl parses the XML with defusedxml when it is installed (it is a dependency).
    import openpyxl

    check_xlsx_limits(content)
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(content), read_only=True, data_only=True, keep_links=False
        )
    except Exception as exc:
        raise ImportFileError(
            _("The file could not be read as an Excel workbook (.xlsx): %(error)s") % {"error": exc}
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = ([_cell(v) for v in row] for row in sheet.iter_rows(values_only=True))
        expected = (sheet.max_row or 1) - 1
        table = _table(next(rows, None), rows, progress=progress, expected=expected)
    finally:
        workbook.close()
    table.file_format = "xlsx"
    return table


def _unescape(cell):
    """Undo the quote exports put before text that starts like a formula ("'+4670...")."""
    if cell[:1] == "'" and cell[1:2] in FORMULA_STARTS:
        return cell[1:]
    return cell


def _table(header, rows, escaped=True, *, progress=None, expected=0):
    if not header or not any(str(h).strip() for h in header):
        raise ImportFileError(_("The first row must hold the column headers."))
    header = [str(h).strip() for h in header]
    while header and not header[-1]:
        header.pop()  # Excel's trailing empty columns
    columns, seen = [], {}
    for index, text in enumerate(header):
        if not text:
            raise ImportFileError(
                _("Column %(number)s has no header. Give it one, or delete the column.")
                % {"number": index + 1}
            )
        column = match_header(text)
        if column is None:
            suggestion = suggest_header(text)
            if suggestion:
                message = _(
                    'Unknown column "%(header)s". Did you mean "%(suggestion)s"? '
                    "Nothing was imported."
                ) % {"header": text, "suggestion": suggestion}
            else:
                message = _(
                    'Unknown column "%(header)s". Use the headers of the template. '
                    "Nothing was imported."
                ) % {"header": text}
            raise ImportFileError(message)
        if column.key in seen:
            raise ImportFileError(
                _('The columns "%(first)s" and "%(second)s" are the same column.')
                % {"first": seen[column.key], "second": text}
            )
        seen[column.key] = text
        columns.append(column)
    if "name" not in seen and "number" not in seen:
        raise ImportFileError(_('The file needs a "Customer name" or a "Customer number" column.'))

    width = len(columns)
    repeated = [i for i, column in enumerate(columns) if column.key in REPEATING]
    intern = {}
    limit = settings.KUNDKORT_IMPORT_MAX_ROWS
    cell_limit = settings.KUNDKORT_IMPORT_MAX_CELL_LENGTH
    table = Table(columns=columns, headers=seen)
    append = table.rows.append
    row_number = 1
    for raw in rows:
        row_number += 1
        values = [cell.strip() for cell in raw[:width]]
        if values and max(map(len, values)) > cell_limit:
            index = max(range(len(values)), key=lambda i: len(values[i]))
            raise _cell_too_long(row_number, header[index], len(values[index]))
        joined = "".join(values)
        if has_control_characters(joined):
            # NUL and other control characters never reach the database (input_safety.py).
            values = [strip_control_characters(cell).strip() for cell in values]
        for i in repeated:
            # Countries, cities, types, groupings repeat row after row: keep one copy of each.
            values[i] = intern.setdefault(values[i], values[i])
        values = tuple(values)
        if len(values) < width:
            values += ("",) * (width - len(values))
        if escaped and "'" in "".join(values):
            values = tuple(_unescape(cell) for cell in values)
        if not any(values):
            continue  # empty lines, Excel's trailing ";;;;" rows
        if len(table.rows) >= limit:
            raise ImportFileError(
                _(
                    "The file has more than %(limit)s rows; at most %(limit)s rows can be "
                    "imported at once. Split the file into parts."
                )
                % {"limit": f"{limit:,}".replace(",", "\u00a0")}
            )
        append((row_number, values))
        if progress is not None and not len(table.rows) % PROGRESS_ROWS:
            progress(len(table.rows), max(expected, len(table.rows)))
    if not table.rows:
        raise ImportFileError(_("The file has headers but no rows to import."))
    return table
