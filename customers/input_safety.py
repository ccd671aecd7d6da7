"""Characters no request may carry into the database, removed at the door.

PostgreSQL refuses NUL (0x00) in text, and the other C0 control characters, DEL and lone UTF-16
surrogates are never part of what a person types: they arrive from forged URLs, pasted binary
or broken clients. ``ControlCharacterMiddleware`` removes them from every query parameter and
every form field of every request, before any view, form or filter sees the value, so no
search, filter or form can hand them to the database (the importer cleans its cells the same
way with ``strip_control_characters``). Tab, line feed and carriage return stay in form fields
(text areas hold lines); query parameters are single-line, so they lose those too.

The REST API's JSON bodies refuse them instead (``refuse_control_characters``, a validator on
every text field of the API's serializers): a person cannot see what a paste carried, so the
forms drop it; a program that sends them has a bug its author should hear about, and a value
changed behind its back would not match what it sent and stored.
"""

import re

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy

# C0 controls except tab, LF, CR; DEL; lone surrogates (a str may hold them, UTF-8 may not).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_CONTROL_AND_LINES = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def strip_control_characters(value, *, keep_lines=True):
    """``value`` without control characters (tab and line breaks kept when ``keep_lines``)."""
    pattern = _CONTROL if keep_lines else _CONTROL_AND_LINES
    return pattern.sub("", value)


def replace_lone_surrogates(value):
    """``value`` with each lone surrogate (which UTF-8 cannot encode) replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", value)


def has_control_characters(value, *, keep_lines=True):
    return bool((_CONTROL if keep_lines else _CONTROL_AND_LINES).search(value))


def refuse_control_characters(value):
    """Validator: text with a control character or a lone surrogate is an error (tab and line
    breaks are text, as in the forms)."""
    if isinstance(value, str) and has_control_characters(value):
        raise ValidationError(CONTROL_CHARACTER_MESSAGE, code="control_characters")


CONTROL_CHARACTER_MESSAGE = gettext_lazy(
    "Remove the control characters (such as NUL or ESC) or broken characters from this text."
)


def _cleaned(query_dict, *, keep_lines):
    pattern = _CONTROL if keep_lines else _CONTROL_AND_LINES
    if not any(
        pattern.search(key) or any(pattern.search(v) for v in values)
        for key, values in query_dict.lists()
    ):
        return query_dict  # the common case: nothing to copy
    cleaned = QueryDict(mutable=True, encoding=query_dict.encoding)
    for key, values in query_dict.lists():
        cleaned.setlist(pattern.sub("", key), [pattern.sub("", v) for v in values])
    cleaned._mutable = False
    return cleaned


class ControlCharacterMiddleware:
    """Remove control characters from ``request.GET`` and ``request.POST`` (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # In process_view, after CsrfViewMiddleware has read the body: reading it here does not
        # change when a multipart upload is parsed.
        request.GET = _cleaned(request.GET, keep_lines=False)
        if request.method == "POST":
            request.POST = _cleaned(request.POST, keep_lines=True)
