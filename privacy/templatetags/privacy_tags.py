"""Template filters of the access export, whose data keeps its dates as ISO text (JSON)."""

from django import template
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime

register = template.Library()


@register.filter
def isodate(value, kind="SHORT_DATETIME_FORMAT"):
    """An ISO date-time from the export's data, shown as the active language writes dates."""
    moment = parse_datetime(value) if isinstance(value, str) else None
    if moment is None:
        return value or ""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return formats.date_format(moment, kind)
