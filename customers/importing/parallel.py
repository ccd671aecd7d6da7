"""Validating the second half of a large file's cells in a forked helper process.

A row's validators (phone numbers, organisation and VAT numbers, web addresses) are pure
functions of the cell and a country, and they are over a third of the planning time. For a
large file the planner forks a helper that runs them for the second half of the rows while the
planner loads the database and plans the first half. The helper sends back a memo
``{(kind, value, country): stored value}`` (``Planner.validated``'s memo); the planner uses an
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

from . import values as v

logger = logging.getLogger(__name__)

PHONE, ORGANISATION, VAT, WEBSITE = "phone", "org", "vat", "web"
HELPER_TIMEOUT = 300  # seconds; far longer than the helper needs for the largest file


def _guess_country(cells, key):
    """The country the planner will most likely use for ``key`` ("SE" when nothing says);
    keyed as ``Planner.validated`` keys it."""
    for column in ("address_country", "country") if key == "address" else ("country",):
        if cells.get(column):
            try:
                return "=" + v.clean_country(cells[column])
            except ValidationError:
                pass
    return "=SE"


def validate_rows(keys, rows):
    """The memo for ``rows``: every cell its validator accepts, keyed by kind, value, country."""
    memo = {}
    wanted = [
        key
        for key in (
            "organisation_number",
            "vat_number",
            "website",
            "contact_phone",
            "contact_mobile",
        )
        if key in keys
    ]
    if not wanted:
        return memo
    for _row, values in rows:
        cells = dict(zip(keys, values, strict=False))
        customer_country = None
        address_country = None
        for key in wanted:
            value = cells.get(key)
            if not value:
                continue
            try:
                if key == "organisation_number":
                    customer_country = customer_country or _guess_country(cells, "customer")
                    memo_key = (ORGANISATION, value, customer_country)
                    result = v.clean_organisation_number(value, customer_country[1:])
                elif key == "vat_number":
                    customer_country = customer_country or _guess_country(cells, "customer")
                    memo_key = (VAT, value, customer_country)
                    result = v.clean_vat_number(value, customer_country[1:])
                elif key == "website":
                    memo_key = (WEBSITE, value, "")
                    result = v.clean_website(value)
                else:
                    address_country = address_country or _guess_country(cells, "address")
                    memo_key = (PHONE, value, address_country)
                    result = v.clean_phone(value, address_country[1:])
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
