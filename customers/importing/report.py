"""What an import reports: the form's switches, the result, a report per row, errors.

``ImportResult`` is what the admin's review and confirm pages, the background job and
``bench_import`` read; ``RowState`` is one row's part of it while the row is planned (passed
explicitly to every planning step, so nothing of one row stays behind for the next).
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from . import values as v
from .columns import COLUMN_BY_KEY

NEW, UPDATE, UNCHANGED, ERROR = "new", "update", "unchanged", "error"
# Prefix of a change the review reports but the import does not make (updating is off).
SKIPPED = "\u2298 "
# The review lists the changes of the first DETAIL_ROWS rows (and every error); beyond that a
# row keeps its action only, which keeps memory flat.
DETAIL_ROWS = 2000


@dataclass
class ImportOptions:
    """The two switches of the import form."""

    create_missing: bool = False
    update_existing: bool = False


@dataclass(slots=True)
class RowError:
    row: int
    column: str
    value: str
    message: str


@dataclass(slots=True)
class RowReport:
    row: int
    action: str
    customer: str
    changes: list = field(default_factory=list)


@dataclass
class ImportResult:
    """What an import did or would do: counts, a report per row, errors by row and column."""

    file_name: str = ""
    options: ImportOptions = field(default_factory=ImportOptions)
    committed: bool = False
    file_error: str = ""
    encoding: str = ""
    delimiter: str = ""
    file_format: str = ""
    row_count: int = 0
    new_customers: int = 0
    updated_customers: int = 0
    unchanged_customers: int = 0
    addresses_added: int = 0
    contacts_added: int = 0
    groupings_added: int = 0
    skipped_changes: int = 0
    values_created: list = field(default_factory=list)  # [(label, [names])]
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    seconds: float = 0.0
    timings: dict = field(default_factory=dict)
    # The review's validated cells (``cells.encode_validated``), kept with the upload for the
    # confirm.
    validated: bytes = b""

    @property
    def has_errors(self):
        return bool(self.file_error or self.errors)

    @property
    def values_created_count(self):
        return sum(len(names) for _label, names in self.values_created)


class RowState:
    """One row while it is planned: its errors, whether it changes anything, and (for the
    first ``DETAIL_ROWS`` rows) the changes the review lists."""

    __slots__ = ("row", "headers", "errors", "changes", "changed")

    def __init__(self, row, *, headers, detail):
        self.row = row
        self.headers = headers  # column key -> the header as the file writes it
        self.errors = []
        self.changes = [] if detail else None
        self.changed = False

    def note(self, text, *, skipped=False):
        """Report a change of the row (``skipped``: reported, not made)."""
        if not skipped:
            self.changed = True
        if self.changes is not None:
            self.changes.append(SKIPPED + text if skipped else text)

    def added(self, text):
        """Report something the row adds; ``text()`` is only built when the review lists it."""
        self.changed = True
        if self.changes is not None:
            self.changes.append(text())

    def error(self, key, value, exc):
        """An error in the row's ``key`` column (a ``ValidationError`` or its message)."""
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        # The column as the file names it, so the user finds it in their spreadsheet.
        column = self.headers.get(key) or (str(COLUMN_BY_KEY[key].label) if key else "")
        for message in messages:
            self.errors.append(RowError(self.row, column, v.shorten(value), message))

    def action(self, found):
        """The row's action in the review: ``found`` ("new" or None) unless errors or changes
        say otherwise."""
        if self.errors:
            return ERROR
        if found is not None:
            return found
        return UPDATE if self.changed else UNCHANGED
