"""The card's History tab: every change of a customer and the rows that belong to it.

Entries come from the django-simple-history tables of the customer, its addresses, contacts and
grouping assignments, plus any source another app registers (``registry.history_sources``),
merged newest first by one UNION query (which also gives each record the id of the record
before it, by a window function) and paginated. For the page shown, every source loads its
records on the page together with the records just before them (for the field changes) in one
plain query, even when it has none on the page, so a page takes 1 + (number of sources)
queries whatever kinds of history the customer has and however many entries there are: the
page's keys and the number of entries come from the same query (a window count over the UNION),
so the UNION is compiled and run once, not once for the count and again for the page
(``core.pagination.page_with_count``).
"""

import functools
from dataclasses import dataclass, field, replace

from django.db import models
from django.db.models import F, Value, Window
from django.db.models.functions import Lag
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.history import (
    SOURCE_ADMIN,
    SOURCE_API,
    SOURCE_BULK,
    SOURCE_FORM,
    SOURCE_IMPORT,
    SOURCE_SYSTEM,
    SOURCE_UNDO_IMPORT,
)
from core.pagination import page_with_count
from core.prepared import Prepared
from core.registry import HistorySource, history_sources

from ..models import Address, Contact, Customer, CustomerGroupingOption

# Bookkeeping fields: they change with every save and say nothing a reader needs.
ALWAYS_EXCLUDED = {"id", "version", "created_at", "updated_at", "created_by", "updated_by"}

SOURCE_LABELS = {
    SOURCE_FORM: gettext_lazy("Form"),
    SOURCE_IMPORT: gettext_lazy("Import"),
    SOURCE_BULK: gettext_lazy("Bulk action"),
    SOURCE_ADMIN: gettext_lazy("Admin"),
    SOURCE_SYSTEM: gettext_lazy("System"),
    SOURCE_UNDO_IMPORT: gettext_lazy("Undo import"),
    SOURCE_API: gettext_lazy("API"),
}

# An id that no record has: a source without entries on the page still runs its query (an empty
# IN list would skip it), so the page's query count does not depend on the kinds of history.
_NO_ID = [0]


@functools.cache
def history_model_of(model):
    """The historical model of ``model``. ``Model.history`` builds a new manager class on every
    access (django-simple-history's descriptor); the History tab needs the model dozens of times
    a request, so it is looked up once per process (models do not change while it runs)."""
    return model.history.model


def _address_label(record):
    return ", ".join(
        part for part in [record.line1, f"{record.postal_code} {record.city}".strip()] if part
    )


def _contact_label(record):
    return f"{record.first_name} {record.last_name}".strip()


def _grouping_label(record):
    option = record.option
    if option is None:
        return f"#{record.option_id}"
    return str(option)


CUSTOMER_HISTORY_SOURCES = [
    HistorySource(
        key="customer",
        model=Customer,
        customer_field="id",
        label=lambda record: record.name,
        select_related=(
            "industry",
            "owner",
            "payment_term",
            "invoice_template",
            "price_list",
            "currency",
            "invoice_language",
            "einvoice_operator",
        ),
        order=10,
    ),
    HistorySource(
        key="address",
        model=Address,
        customer_field="customer_id",
        label=_address_label,
        order=20,
    ),
    HistorySource(
        key="contact",
        model=Contact,
        customer_field="customer_id",
        label=_contact_label,
        select_related=("address", "role"),
        order=30,
    ),
    HistorySource(
        key="grouping",
        model=CustomerGroupingOption,
        customer_field="customer_id",
        label=_grouping_label,
        select_related=("option__category",),
        exclude=("option",),
        order=40,
    ),
]


@dataclass
class FieldChange:
    """One field of one change: its human name and the values before and after."""

    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    """One row of the History tab."""

    when: object
    user: object
    action: str  # "+" created, "~" changed, "-" deleted (django-simple-history's types)
    object_type: str
    object_label: str
    source: str
    source_detail: str
    changes: list = field(default_factory=list)

    @property
    def user_name(self):
        if self.user is None:
            return ""
        return self.user.get_full_name() or self.user.get_username()


def all_sources():
    """The customers app's own sources and those other apps registered, in display order."""
    return sorted([*CUSTOMER_HISTORY_SOURCES, *history_sources], key=lambda s: s.order)


def source_label(reason):
    """``("Import", "customers.csv")`` for the stored reason ``"import: customers.csv"``."""
    kind, _sep, detail = (reason or SOURCE_SYSTEM).partition(": ")
    return str(SOURCE_LABELS.get(kind, kind)), detail


def _display(model_field, record):
    """The value of ``model_field`` in a historical record, as a person reads it."""
    if model_field.is_relation:
        if getattr(record, model_field.attname) is None:
            return ""
        related = getattr(record, model_field.name, None)
        if related is None:  # the related row is gone: show its id
            return f"#{getattr(record, model_field.attname)}"
        if hasattr(related, "get_full_name") and related.get_full_name():
            return related.get_full_name()
        return str(related)
    value = getattr(record, model_field.attname)
    if value is None or value == "":
        return ""
    if isinstance(model_field, models.BooleanField):
        return _("Yes") if value else _("No")
    # Before the choices: a country field's choices are every country, translated, and flattening
    # them for each value was a quarter of the History tab's time.
    if hasattr(value, "code") and hasattr(value, "name"):  # django-countries' Country
        return str(value.name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, timezone.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return str(formats.localize(value))


def _raw(model_field, record):
    value = getattr(record, model_field.attname)
    if hasattr(value, "code"):
        return value.code
    return value


def _compared_fields(source):
    excluded = ALWAYS_EXCLUDED | set(source.exclude)
    excluded.add(source.customer_field.removesuffix("_id"))
    return [
        f
        for f in history_model_of(source.model).tracked_fields
        if f.name not in excluded and f.attname not in excluded
    ]


def _changes(source, record, previous):
    fields = _compared_fields(source)
    if record.history_type == "-":
        return []
    changes = []
    for model_field in fields:
        new = _display(model_field, record)
        if record.history_type == "+" or previous is None:
            # A new row lists what was filled in; unticked boxes are the default, not news.
            if record.history_type == "+" and new and _raw(model_field, record) is not False:
                changes.append(FieldChange(str(model_field.verbose_name), "", new))
            continue
        if _raw(model_field, record) != _raw(model_field, previous):
            old = _display(model_field, previous)
            changes.append(FieldChange(str(model_field.verbose_name), old, new))
    return changes


def describe_changes(model, newer, older):
    """[(field's human name, value in ``older``, value in ``newer``)] of two historical records
    of ``model``, bookkeeping fields left out; values shown as a person reads them."""
    excluded = ALWAYS_EXCLUDED
    changes = []
    for model_field in history_model_of(model).tracked_fields:
        if model_field.name in excluded or model_field.attname in excluded:
            continue
        if _raw(model_field, newer) != _raw(model_field, older):
            changes.append(
                (
                    str(model_field.verbose_name),
                    _display(model_field, older),
                    _display(model_field, newer),
                )
            )
    return changes


def financial_field_names(model):
    """The human names of ``model``'s financial fields (as ``describe_changes`` names them)."""
    names = set()
    for source in all_sources():
        if source.model is model:
            for name in source.financial_fields:
                names.add(str(model._meta.get_field(name).verbose_name))
    return names


def _entries_of_source(source, page_rows):
    """The entries of one source on the page, from ``[(history id, previous history id)]``: one
    plain query for the records and the records before them, whatever their number (also none)."""
    wanted = {history_id for history_id, _previous in page_rows}
    ids = sorted(wanted | {previous for _id, previous in page_rows if previous}) or _NO_ID
    loaded = {
        record.history_id: record
        for record in _records(source.key, len(ids), **{f"id{i}": pk for i, pk in enumerate(ids)})
    }
    previous_of = dict(page_rows)
    records = [loaded[history_id] for history_id, _previous in page_rows if history_id in loaded]
    object_type = str(source.model._meta.verbose_name).capitalize()
    entries = {}
    for record in records:
        source_name, detail = source_label(record.history_change_reason)
        entries[record.history_id] = HistoryEntry(
            when=record.history_date,
            user=record.history_user,
            action=record.history_type,
            object_type=object_type,
            object_label=source.label(record),
            source=source_name,
            source_detail=detail,
            changes=_changes(source, record, loaded.get(previous_of[record.history_id])),
        )
    return entries


def _source(key):
    return next(source for source in all_sources() if source.key == key)


def _records_query(key, count, **ids):
    """A source's records with the ids ``id0`` .. ``id<count - 1>``, with their users."""
    source = _source(key)
    return (
        history_model_of(source.model)
        .objects.filter(history_id__in=[ids[f"id{i}"] for i in range(count)])
        .select_related("history_user", *source.select_related)
        .order_by()
    )


def _history_union(keys, *, customer_id):
    parts = []
    for key in keys:
        source = _source(key)
        history_model = history_model_of(source.model)
        parts.append(
            history_model.objects.filter(**{source.customer_field: customer_id})
            .annotate(
                source_key=Value(source.key, output_field=models.CharField()),
                previous_id=Window(
                    Lag("history_id"),
                    partition_by=[F("id")],
                    order_by=[F("history_date").asc(), F("history_id").asc()],
                ),
            )
            .values_list("history_id", "history_date", "source_key", "previous_id")
            .order_by()
        )
    first, *rest = parts
    return first.union(*rest, all=True)


# Both compiled once per process (core.prepared): a page's UNION for every customer, and a
# source's records for every number of ids a page can hold. Compiling them cost the tab more
# than the database's work.
_records = Prepared(_records_query)
_union = Prepared(_history_union)


def customer_history_queryset(customer, sources=None):
    """(history id, date, source key, previous history id of the same row) of every change of
    the customer, newest first: the previous id comes from a window over each row's records."""
    keys = tuple(source.key for source in sources or all_sources())
    return _history_union(keys, customer_id=customer.pk).order_by("-history_date", "-history_id")


def customer_history_page(customer, *, page_number=1, per_page=25, show_financials=True):
    """A page of the customer's history; ``page.object_list`` holds ``HistoryEntry`` rows.

    Without ``show_financials`` the sources' financial fields are left out of the changes.
    """
    sources = all_sources()
    if not show_financials:
        sources = [
            replace(source, exclude=(*source.exclude, *source.financial_fields))
            for source in sources
        ]
    # (history id, date, source key, previous id): newest first, as the queryset orders them.
    keys = tuple(source.key for source in sources)
    page, rows = page_with_count(
        None,
        page_number,
        per_page,
        order_by=[(2, True), (1, True)],
        compiled=_union.compiled(keys, customer_id=customer.pk),
        using=_union.using,
    )
    entries = {}
    for source in sources:
        page_rows = [(hid, previous) for hid, _when, key, previous in rows if key == source.key]
        entries[source.key] = _entries_of_source(source, page_rows)
    page.object_list = [
        entries[key][history_id]
        for history_id, _when, key, _previous in rows
        if history_id in entries.get(key, {})
    ]
    return page
