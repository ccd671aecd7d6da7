"""Swedish sort order (Å, Ä, Ö after Z) for lists people read.

On PostgreSQL the database sorts with the ICU collation ``kundkort_sv`` (customers migration
0010 creates it from ICU's ``sv-SE``): ``swedish(expression)`` orders by it. On SQLite a Python
collation of the same name is registered on every connection (``register_sqlite_functions``),
so the same query runs there too. It follows the Swedish alphabet (a–z, then å, ä, ö; ü with
y, æ with ä, ø with ö, other accents with their letter, case after letters) but not all of
ICU's rules: ICU also treats punctuation and spaces as less important than letters and sorts
some letter variants finer. Python code sorts with ``swedish_sort_key``, the SQLite rule.
"""

import unicodedata
from functools import cmp_to_key, lru_cache

from django.db.models.functions import Collate

SWEDISH = "kundkort_sv"

# Letters of the Swedish alphabet after z, and letters Swedish files with another.
# (Private-use characters: above every letter, so å, ä, ö follow z.)
_AFTER_Z = {"å": "\ue001", "ä": "\ue002", "æ": "\ue002", "ö": "\ue003", "ø": "\ue003"}
_SAME_AS = {"ü": "y"}


def swedish(expression):
    """``expression`` (a field name or expression) in the Swedish collation, for order_by."""
    return Collate(expression, SWEDISH)


@lru_cache(maxsize=65536)
def _primary(text):
    letters = []
    for char in text.casefold():
        if char in _AFTER_Z:
            letters.append(_AFTER_Z[char])
        elif char in _SAME_AS:
            letters.append(_SAME_AS[char])
        else:
            # é → e, ç → c: the base letter without its accent.
            base = unicodedata.normalize("NFD", char)[0]
            letters.append(base)
    return "".join(letters)


def swedish_sort_key(text):
    """Sort key for ``text`` in Swedish order: letters first, then accents and case."""
    text = text or ""
    return (_primary(text), text.casefold(), text.swapcase())


def _compare(left, right):
    a, b = swedish_sort_key(left), swedish_sort_key(right)
    return (a > b) - (a < b)


swedish_cmp_key = cmp_to_key(_compare)


def _python_upper(value):
    return value.upper() if isinstance(value, str) else value


def register_sqlite_functions(sender, connection, **kwargs):
    """connection_created handler: the Swedish collation on SQLite, and an UPPER that knows
    letters beyond ASCII (SQLite's own leaves å, ä, ö as they are, so the contact search,
    which compares upper-cased text, would miss "Bäckström" typed as "bäckström")."""
    if connection.vendor != "sqlite":
        return
    connection.connection.create_collation(SWEDISH, _compare)
    connection.connection.create_function("UPPER", 1, _python_upper, deterministic=True)


def country_sort_key(item):
    """django-countries' sort key for (code, name) pairs: Swedish order in Swedish, the
    library's own otherwise (its fallback files Å under A)."""
    from django.utils.translation import get_language

    name = str(item[1])
    if (get_language() or "").startswith("sv"):
        return swedish_sort_key(name)
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return (ascii_name, "", "")
