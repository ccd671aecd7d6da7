"""Where a change came from (form, import, bulk action, admin), stored on every history row.

django-simple-history records who and when; the source travels in a context variable that the
middleware sets per request and that the importer and bulk actions set around their writes.
The value ends up in ``history_change_reason`` of each historical record.
"""

import contextvars
from contextlib import contextmanager

from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

SOURCE_FORM = "form"
SOURCE_IMPORT = "import"
SOURCE_BULK = "bulk"
SOURCE_ADMIN = "admin"
SOURCE_SYSTEM = "system"

_current_source = contextvars.ContextVar("kundkort_change_source", default=SOURCE_SYSTEM)


def current_source():
    return _current_source.get()


@contextmanager
def change_source(source, detail=""):
    """Mark every history record written inside the block as coming from ``source``."""
    token = _current_source.set(f"{source}: {detail}" if detail else source)
    try:
        yield
    finally:
        _current_source.reset(token)


class ChangeSourceMiddleware:
    """Requests to /admin/ are admin changes; every other request is a form."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        source = SOURCE_ADMIN if request.path.startswith("/admin/") else SOURCE_FORM
        with change_source(source):
            return self.get_response(request)


@receiver(pre_create_historical_record)
def _stamp_source(sender, history_instance, **kwargs):
    if not history_instance.history_change_reason:
        history_instance.history_change_reason = current_source()
