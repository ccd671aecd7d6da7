"""Date and date-time fields in ISO form, the Swedish way of writing a date, and a date-time
field that reads a time typed the Swedish way (09.30).

The inputs are text boxes, not the browser's date inputs: those show a date in the format of
the browser's own language (12/24/2026 in an American-English browser, which a Swede reads
as the 12th of some month 24) and ignore the page's language. The value is written in the
language's first input format (settings/formats/: 2026-12-24, 2026-12-24 09.30) and read in
any of them; kundkort.js adds a calendar button that opens the browser's own picker, which
phones need, and writes the chosen date back in that format.
"""

from django import forms
from django.forms.utils import from_current_timezone
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

ISO_DATE = "%Y-%m-%d"
ISO_DATETIME = "%Y-%m-%dT%H:%M"


class IsoDateInput(forms.DateInput):
    input_type = "text"
    picker = "date"
    example = _("YYYY-MM-DD")

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=ISO_DATE)

    def value_format(self):
        return ISO_DATE

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"] = {
            "placeholder": self.example,
            "autocomplete": "off",
            "data-kk-date": self.picker,
            "data-kk-format": self.value_format(),
            "data-kk-picker-label": _("Choose from a calendar"),
            **context["widget"]["attrs"],
        }
        return context


class IsoDateTimeInput(IsoDateInput, forms.DateTimeInput):
    picker = "datetime-local"
    example = _("YYYY-MM-DD HH:MM")
    format_key = "DATETIME_INPUT_FORMATS"

    def __init__(self, attrs=None):
        forms.DateTimeInput.__init__(self, attrs=attrs)

    def value_format(self):
        # The language's own (2026-12-24 09.30 in Swedish, 2026-12-24 09:30 in English).
        return get_format("DATETIME_INPUT_FORMATS")[0]


class TypedDateTimeField(forms.DateTimeField):
    """A DateTimeField that tries its input formats before ISO 8601.

    Django's own field reads ISO 8601 first, and Python reads "2026-12-24 09.30" as ISO: nine
    o'clock and 0.3 seconds. A Swede typing half past nine means 09.30, so the language's
    formats (settings/formats/) come first."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            for input_format in self.input_formats:
                try:
                    return from_current_timezone(self.strptime(value.strip(), input_format))
                except (ValueError, TypeError):
                    continue
        return super().to_python(value)
