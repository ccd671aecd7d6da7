"""Where a change came from (form, import, bulk action, admin), stored on every history row.

django-simple-history records who and when; the source travels in a context variable that the
middleware sets per request and that the importer and bulk actions set around their writes.
The value ends up in ``history_change_reason`` of each historical record.
"""

import contextvars
from contextlib import contextmanager

from django.db import models
from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

SOURCE_FORM = "form"
SOURCE_IMPORT = "import"
SOURCE_BULK = "bulk"
SOURCE_ADMIN = "admin"
SOURCE_SYSTEM = "system"
SOURCE_UNDO_IMPORT = "undo import"
SOURCE_API = "api"

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
    """Requests to /admin/ are admin changes, to /api/ API changes; every other request is a
    form."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/admin/"):
            source = SOURCE_ADMIN
        elif request.path.startswith("/api/"):
            source = SOURCE_API
        else:
            source = SOURCE_FORM
        with change_source(source):
            return self.get_response(request)


class LeanHistoricalRecords(HistoricalRecords):
    """django-simple-history with only the indexes its readers use.

    By default every copied foreign key, every unique or indexed column, ``history_date`` and
    ``history_user`` get a btree index on the historical table: 16 on the customer's. Nothing
    reads history by those columns; the History tab filters by customer and orders by date,
    and the previous record / lost-update look-ups filter by the row's id and date. Each index
    costs every write (an import of 100,000 rows writes 400,000 history rows), so the table
    keeps its primary key plus the ``indexes`` given: ``{name: (column, ...)}``.
    """

    def __init__(self, *args, indexes=None, **kwargs):
        self.lean_indexes = dict(indexes or {})
        # history_user is an audit stamp like Stamped.created_by: no database constraint (one
        # check per history row at commit); deleting a user through Django still clears it.
        kwargs.setdefault("user_db_constraint", False)
        super().__init__(*args, **kwargs)

    @property
    def _date_indexing(self):
        return False

    def copy_fields(self, model):
        fields = super().copy_fields(model)
        for field in fields.values():
            field.db_index = False
        return fields

    def _get_history_user_fields(self):
        fields = super()._get_history_user_fields()
        for field in fields.values():
            if isinstance(field, models.Field):
                field.db_index = False
        return fields

    def get_meta_options(self, model):
        meta = super().get_meta_options(model)
        meta["indexes"] = [
            models.Index(fields=list(columns), name=name)
            for name, columns in self.lean_indexes.items()
        ]
        return meta


@receiver(pre_create_historical_record)
def _stamp_source(sender, history_instance, **kwargs):
    if not history_instance.history_change_reason:
        history_instance.history_change_reason = current_source()
