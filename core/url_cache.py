"""URLs reversed once per process for links every page draws (the side menu, the card's tabs).

``reverse()`` walks the URL resolver each time (about 25 µs); the menu and the tab bar need the
same few URLs on every request, so they are kept, keyed by the URLconf and the script prefix in
force (a test's ``ROOT_URLCONF`` or a deployment under a path prefix gets its own). URLs are
configuration, not data users change, so nothing goes stale while the process runs.
"""

import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

_PK_MARKER = 987654321


@functools.lru_cache(maxsize=512)
def _reversed(urlconf, prefix, name, with_pk):
    if with_pk:
        return tuple(reverse(name, urlconf=urlconf, args=[_PK_MARKER]).rsplit(str(_PK_MARKER), 1))
    return reverse(name, urlconf=urlconf)


def _key():
    return get_urlconf() or settings.ROOT_URLCONF, get_script_prefix()


def url(name):
    """``reverse(name)`` of a URL without arguments, reversed once per process."""
    return _reversed(*_key(), name, False)


def pk_url(name, pk):
    """``reverse(name, args=[pk])`` of a URL whose one argument is a pk, reversed once."""
    prefix, suffix = _reversed(*_key(), name, True)
    return f"{prefix}{pk}{suffix}"
