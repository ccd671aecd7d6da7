"""Validating a file's cells, each distinct cell once, and remembering the results.

The validators of organisation and VAT numbers, web addresses and phone numbers are pure
functions of the cell and a country, and they are the largest part of planning a row. So
``CellValidator`` keeps a memo ``{cache_key(kind, cell, country): stored value}``: a value seen
before (on an earlier row, by the helper process of ``parallel.py``, or by the review whose
memo the confirm gets back through ``encode_validated``) is not validated again.

``VALIDATED_COLUMNS`` says which validator each such column uses and which country it reads,
and ``cache_key`` builds every memo key: the planner and the helper process both use them, so
a memo entry cannot be made under one key and looked up under another.
"""

import json
import zlib
from itertools import repeat

from . import values as v

PHONE, ORGANISATION, VAT, WEBSITE = "phone", "org", "vat", "web"
# Which country a column's validator reads: the customer's, the address's, or none.
CUSTOMER_COUNTRY, ADDRESS_COUNTRY = "customer", "address"
NO_COUNTRY = object()
# column key -> (memo kind, validator, country)
VALIDATED_COLUMNS = {
    "organisation_number": (ORGANISATION, v.clean_organisation_number, CUSTOMER_COUNTRY),
    "vat_number": (VAT, v.clean_vat_number, CUSTOMER_COUNTRY),
    "website": (WEBSITE, v.clean_website, None),
    "contact_phone": (PHONE, v.clean_phone, ADDRESS_COUNTRY),
    "contact_mobile": (PHONE, v.clean_phone, ADDRESS_COUNTRY),
}
EMAILS = "emails"  # the memo's entry for the set of valid email addresses

# One key string per country ("=SE"), shared by every memo key of that country: a 100,000-row
# memo would otherwise hold one copy per cell. A handful of ISO codes, never user data.
_COUNTRY_KEYS = {}


def country_key(country):
    """The memo's spelling of ``country`` ("" for a validator that reads none)."""
    if country is NO_COUNTRY:
        return ""
    found = _COUNTRY_KEYS.get(country)
    if found is None:
        found = _COUNTRY_KEYS[country] = f"={country or ''}"
    return found


def cache_key(kind, value, country):
    """The memo key of ``value`` validated as ``kind`` for ``country`` (or NO_COUNTRY)."""
    return (kind, value, country_key(country))


class CellValidator:
    """Validates cells with a memo (``memo``: the review's, when the confirm has it)."""

    def __init__(self, memo=None):
        self.memo = memo if memo is not None else {}
        # Valid email addresses (a set: cheaper in memory than memo entries for 100,000 rows).
        self.valid_emails = self.memo.pop(EMAILS, None) or set()

    def column(self, key, value, country=NO_COUNTRY):
        """The stored value of ``value`` in the column ``key`` of ``VALIDATED_COLUMNS`` (read
        with ``country`` when the column's validator reads one); raises ``ValidationError``
        for an invalid one (failures are not remembered, so each message is made where the
        user's language is active)."""
        kind, clean, reads = VALIDATED_COLUMNS[key]
        if reads is None:
            country = NO_COUNTRY
        memo_key = cache_key(kind, value, country)
        found = self.memo.get(memo_key)
        if found is None:
            found = clean(value) if country is NO_COUNTRY else clean(value, country)
            self.memo[memo_key] = found
        return found

    def email(self, value):
        """``clean_email(value)``, remembered in a set: a valid address is stored as written."""
        if value not in self.valid_emails:
            v.clean_email(value)
            self.valid_emails.add(value)
        return value

    def encoded(self):
        return encode_validated(self.memo, self.valid_emails)


VALIDATED_CHUNK = 5000


def encode_validated(memo, emails=()):
    """The memo of validated cells as compact bytes: zlib-compressed JSON lines.

    The memo maps ``(kind, cell, country)`` to the stored value. Each line holds up to
    ``VALIDATED_CHUNK`` cells of one kind and country, column-wise: ``[kind, country, cells
    stored as written, other cells, their stored values]``, so decoding builds the keys with
    ``zip`` instead of a Python loop per cell (it runs inside the confirm, which is timed).
    Written and read a line at a time, so a 100,000-row file adds little to peak memory."""
    groups = {}
    for (kind, value, country), stored in memo.items():
        same, cells, values = groups.setdefault((kind, country), ([], [], []))
        if stored == value:
            same.append(value)
        else:
            cells.append(value)
            values.append(stored)
    groups[("email", "")] = (list(emails), [], [])
    compressor = zlib.compressobj(1)
    parts = []
    for (kind, country), (same, cells, values) in groups.items():
        for start in range(0, max(len(same), len(cells), 1), VALIDATED_CHUNK):
            end = start + VALIDATED_CHUNK
            line = [kind, country, same[start:end], cells[start:end], values[start:end]]
            parts.append(compressor.compress(json.dumps(line).encode() + b"\n"))
    parts.append(compressor.flush())
    return b"".join(parts)


def decode_validated(data):
    """The memo ``encode_validated`` wrote, or None for missing or unreadable data."""
    if not data:
        return None
    memo = {}
    emails = set()
    countries = {}
    decompressor = zlib.decompressobj()
    pending = b""
    try:
        view = memoryview(data)
        for start in range(0, len(view), 1 << 16):
            pending += decompressor.decompress(view[start : start + (1 << 16)])
            *lines, pending = pending.split(b"\n")
            for line in lines:
                kind, country, same, cells, values = json.loads(line)
                if kind == "email":
                    emails.update(same)
                    continue
                if not all(isinstance(value, str) for value in values):
                    raise TypeError("a stored value is not text")
                country = countries.setdefault(country, country)
                for keys, stored in ((same, same), (cells, values)):
                    triples = zip(repeat(kind), keys, repeat(country), strict=False)
                    memo.update(zip(triples, stored, strict=True))
    except (ValueError, TypeError, zlib.error):
        return None
    memo[EMAILS] = emails
    return memo
