"""The customer import: ``run_import`` reviews or confirms one file.

The pipeline, one module per step (``docs/rules-and-import.md`` draws it):

- ``reader.py``: the file's bytes to a table (format, encoding, delimiter, headers);
- ``columns.py``: headers to column keys, in English or Swedish;
- ``matching.py``: the rows' customers found among those in the database (with their
  addresses, contacts and options) or started as new ones;
- ``cells.py`` (with ``parallel.py`` for a large file): each distinct cell validated once;
- ``planner.py`` with ``plan_customer.py``, ``plan_address.py``, ``plan_contact.py`` and
  ``plan_groupings.py``: every row planned in memory on the rules of ``customers/rules.py``;
- ``report.py``: what the review shows, row by row;
- ``writer.py``: the plan written in bulk (``customers/bulk.py``) in one transaction.

Speed: a row costs dictionary look-ups and the validators its filled cells need; reads and
writes are batched, so the number of queries grows with the file size divided by the batch
size, not with the rows.
"""

import contextlib
import gc
import resource
import time

from django.db import connection, transaction

from core.history import (
    SOURCE_ADMIN,
    SOURCE_FORM,
    SOURCE_IMPORT,
    SOURCE_SYSTEM,
    change_source,
    current_source,
)

from .cells import EMAILS, VALIDATED_CHUNK, decode_validated, encode_validated
from .planner import Planner
from .reader import ImportFileError, read_table
from .report import ImportOptions, ImportResult, RowError, RowReport
from .writer import Writer

__all__ = [
    "EMAILS",
    "VALIDATED_CHUNK",
    "ImportOptions",
    "ImportResult",
    "Planner",
    "RowError",
    "RowReport",
    "decode_validated",
    "encode_validated",
    "run_import",
]

# Any number: the key of the PostgreSQL advisory lock that lets one import write at a time.
IMPORT_LOCK_KEY = 4_711_001
# The sources a request or a process starts with: a confirm marks its history records as the
# import's instead. A caller that set its own source (a background job naming its run) keeps it.
DEFAULT_SOURCES = frozenset({SOURCE_SYSTEM, SOURCE_FORM, SOURCE_ADMIN})


def _serialise_imports():
    """Let one confirm plan and write at a time: a second one (a double click, a colleague)
    waits, then plans against what the first wrote, so nothing is created twice. (SQLite, the
    development database, has no such lock; PostgreSQL is the production engine.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])


@contextlib.contextmanager
def _cyclic_gc_paused():
    """Pause Python's cyclic garbage collector for the block.

    A 100,000-row plan holds millions of live objects, and each full collection walks all of
    them: twenty of those took a quarter of the confirm's Python time, and found almost nothing
    (the plan's objects are freed by reference counting). The pause is process-wide, so other
    threads of the process also go without cyclic collection for those seconds; it is turned
    back on (if it was on) when the import ends, whatever happens."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _import_source(file_name):
    if current_source() in DEFAULT_SOURCES:
        return change_source(SOURCE_IMPORT, detail=file_name)
    return contextlib.nullcontext()


def run_import(content, *, file_name, options, user, commit, validated=None, progress=None):
    """Review (``commit=False``) or import (``commit=True``) one file; return the result.

    The admin's review and confirm steps, the background job, the tests and ``bench_import``
    all call this. With ``commit`` the whole import is one transaction: any error leaves the
    database untouched. A review without errors returns its validated cells in
    ``result.validated``; the confirm of the same file may pass them back as ``validated`` and
    skips validating those cells again (they depend on the cell and its country only; matching
    customers, addresses and contacts against the database is always done anew, inside the
    confirm's transaction).

    ``progress(phase, done, total)``, when given, hears how far the import is, every
    thousand rows (``done`` of ``total`` rows; while reading, ``total`` is an estimate until
    the last row): the review's phases are "reading" and "checking", the confirm's "reading",
    "matching" (planning against the database), then "customers", "addresses", "contacts"
    and "groupings" as each is written, with "history" while a batch's history records are.
    History records take their source from ``core.history.current_source()``: "import:
    <file name>", unless the caller set a source of its own around the call.
    """
    with _cyclic_gc_paused():
        return _run_import(
            content,
            file_name=file_name,
            options=options,
            user=user,
            commit=commit,
            validated=validated,
            progress=progress,
        )


def _cpu_seconds():
    """CPU seconds of this process and of its finished children: the review's forked helper
    (parallel.py) validates half of a large file, and its time is part of the import's cost."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _run_import(content, *, file_name, options, user, commit, validated, progress):
    started = time.perf_counter()
    cpu_started = _cpu_seconds()
    timings = {}
    read_progress = None
    if progress is not None:
        progress("reading", 0, 1)

        def read_progress(read, expected):
            progress("reading", read, expected)

    try:
        table = read_table(content, file_name, read_progress)
    except ImportFileError as exc:
        result = ImportResult(file_name=file_name, options=options, file_error=exc.message)
        result.seconds = time.perf_counter() - started
        return result
    del content
    if progress is not None:
        progress("reading", len(table.rows), len(table.rows))
    timings["read"] = time.perf_counter() - started
    if not commit:
        planner = Planner(table, options, user=user, progress=progress)
        result = planner.plan()
        if not result.has_errors:
            result.validated = planner.cells.encoded()
        timings["plan"] = time.perf_counter() - started - timings["read"]
    else:
        memo = decode_validated(validated)
        with _import_source(file_name), transaction.atomic():
            _serialise_imports()
            planner = Planner(table, options, lock=True, user=user, memo=memo, progress=progress)
            result = planner.plan()
            timings["plan"] = time.perf_counter() - started - timings["read"]
            if not result.has_errors:
                Writer(planner, user=user, reason=current_source(), progress=progress).write()
                result.committed = True
            written = time.perf_counter()
            timings["write"] = written - started - timings["read"] - timings["plan"]
        # The deferred foreign-key checks run at commit.
        timings["commit"] = time.perf_counter() - written
    result.file_name = file_name
    result.encoding = table.encoding
    result.delimiter = table.delimiter
    result.file_format = table.file_format
    result.seconds = time.perf_counter() - started
    timings["cpu"] = _cpu_seconds() - cpu_started
    result.timings = timings
    return result
