"""Reads of the Customer settings tab: the choices of its six look-up lists in one query.

Each list offers the active values plus the one the customer has now, even when it was
deactivated. Read one list at a time, the six selects cost six queries, each one compiled and
sent (some 1.5 ms of the app's CPU apiece, more than the database's work); here one UNION
reads them all, each list in its model's own order.
"""

from django.db import models
from django.db.models import F, Q, Value

from ..models import (
    Currency,
    EInvoiceOperator,
    InvoiceLanguage,
    InvoiceTemplate,
    PaymentTerm,
    PriceList,
)

# field -> (model, sort number, sort text, the label's first and second column); the sort
# columns give the model's own ``Meta.ordering`` (order and name; a currency by code, an
# invoice language by name).
LOOKUP_SOURCES = {
    "payment_term": (PaymentTerm, "order", "name", "name", None),
    "invoice_template": (InvoiceTemplate, "order", "name", "name", None),
    "price_list": (PriceList, "order", "name", "name", "currency__code"),
    "currency": (Currency, None, "code", "code", "name"),
    "invoice_language": (InvoiceLanguage, None, "name", "name", None),
    "einvoice_operator": (EInvoiceOperator, "order", "name", "name", "address_format"),
}


def active_or_current(queryset, current_pk):
    """Active values, plus the one the customer has now even when it was deactivated."""
    condition = Q(is_active=True)
    if current_pk:
        condition |= Q(pk=current_pk)
    return queryset.filter(condition)


def lookup_choice_rows(customer):
    """``{field: [(pk, is_active, first, second), ...]}`` for the six look-up fields of the
    tab, each list in its model's order, from one query (``second`` is None where a label has
    one part)."""
    branches = []
    for field, (model, sort_number, sort_text, first, second) in LOOKUP_SOURCES.items():
        branches.append(
            active_or_current(model.objects.all(), getattr(customer, f"{field}_id"))
            .annotate(
                lookup=Value(field, output_field=models.CharField()),
                sort_number=F(sort_number) if sort_number else Value(0),
                sort_text=F(sort_text),
                first=F(first),
                second=F(second) if second else Value(None, output_field=models.CharField()),
            )
            .values_list("lookup", "sort_number", "sort_text", "pk", "is_active", "first", "second")
            .order_by()
        )
    head, *rest = branches
    rows = {field: [] for field in LOOKUP_SOURCES}
    union = head.union(*rest, all=True).order_by("lookup", "sort_number", "sort_text", "pk")
    for field, _number, _text, pk, is_active, first, second in union:
        rows[field].append((pk, is_active, first, second))
    return rows
