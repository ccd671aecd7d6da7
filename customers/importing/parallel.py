"""Validating the second half of a large file's cells in a forked helper process.

A row's validators (phone numbers, organisation and VAT numbers, web addresses) are pure
functions of the cell and a country, and they are over a third of the planning time. For a
large file the planner forks a helper that runs them for the second half of the rows while the
planner loads the database and plans the first half. The helper sends back a memo
keyed by ``cells.cache_key`` (the planner's ``CellValidator`` memo); the planner uses an
entry only when its own country for the cell is the same, so the result is exactly what
validating in one process gives. Failures are not memoised: the planner validates those cells
itself, so every error message is made where the user's language is active. The helper never
touches the database and lives only for the request; if it cannot start, fails or is slow, the
planner simply validates everything itself.
"""

import logging
import multiprocessing
import os

from django.conf import settings
from django.core.exceptions import ValidationError

from . import cells as cells_module
from . import values as v

logger = logging.getLogger(__name__)

HELPER_TIMEOUT = 300  # seconds; far longer than the helper needs for the largest file


def _guess_country(cells, reads):
    """The country the planner will most likely read a cell with ("SE" when nothing says)."""
    columns = (
        ("address_country", "country") if reads == cells_module.ADDRESS_COUNTRY else ("country",)
    )
    for column in columns:
        if cells.get(column):
            try:
                return v.clean_country(cells[column])
            except ValidationError:
                pass
    return "SE"


def validate_rows(keys, rows):
    """The memo for ``rows``: every cell its validator accepts, keyed by ``cells.cache_key``
    exactly as the planner's ``CellValidator`` looks it up."""
    memo = {}
    wanted = [
        (key, *cells_module.VALIDATED_COLUMNS[key])
        for key in cells_module.VALIDATED_COLUMNS
        if key in keys
    ]
    if not wanted:
        return memo
    cache_key = cells_module.cache_key
    for _row, values in rows:
        cells = dict(zip(keys, values, strict=False))
        countries = {}
        for key, kind, clean, reads in wanted:
            value = cells.get(key)
            if not value:
                continue
            try:
                if reads is None:
                    memo_key, result = cache_key(kind, value, cells_module.NO_COUNTRY), clean(value)
                else:
                    country = countries.get(reads)
                    if country is None:
                        country = countries[reads] = _guess_country(cells, reads)
                    memo_key, result = cache_key(kind, value, country), clean(value, country)
            except ValidationError:
                continue
            memo[memo_key] = result
    return memo


class Helper:
    """A forked process validating ``rows`` ahead of the planner; ``memo()`` collects it."""

    def __init__(self, keys, rows):
        self._process = None
        self._result = {}
        if not hasattr(os, "fork") or not rows:
            return
        context = multiprocessing.get_context("fork")
        receiver, sender = context.Pipe(duplex=False)
        try:
            self._process = context.Process(
                target=_helper_main, args=(sender, keys, rows), daemon=True
            )
            self._process.start()
        except OSError:
            logger.warning("import: could not start the validation helper", exc_info=True)
            self._process = None
            return
        finally:
            sender.close()
        self._receiver = receiver

    def memo(self):
        """The helper's memo (empty if it failed or took too long); waits for it once."""
        process, self._process = self._process, None
        if process is None:
            return self._result
        try:
            if self._receiver.poll(HELPER_TIMEOUT):
                self._result = self._receiver.recv()
            else:
                logger.warning("import: the validation helper did not answer in time")
        except (EOFError, OSError):
            logger.warning("import: the validation helper failed", exc_info=True)
        finally:
            self._receiver.close()
            if process.is_alive():
                process.kill()
            process.join()
        return self._result


def _helper_main(sender, keys, rows):
    # A forked copy: it must not use the parent's database connection, and it leaves with
    # os._exit (multiprocessing does that), so nothing of the parent's is closed or flushed.
    try:
        sender.send(validate_rows(keys, rows))
    finally:
        sender.close()


def start(keys, table):
    """(helper for the second half of ``table``'s rows or None for a small file, first row
    index the helper covers)."""
    minimum = getattr(settings, "KUNDKORT_IMPORT_PARALLEL_ROWS", 20_000)
    rows = table.rows
    if not minimum or len(rows) < minimum:
        return None, len(rows)
    half = len(rows) // 2
    return Helper(keys, rows[half:]), half
