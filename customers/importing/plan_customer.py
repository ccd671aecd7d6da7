"""Planning a row's customer columns: validate each cell and plan (or skip) the change.

A customer's own fields take one value per file: a later row that gives another value is an
error naming the row that gave the first. An existing customer's fields change only with
"Update existing customers' details" on; otherwise the review lists the change as skipped.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .. import rules
from ..models import Customer, EInvoiceOperator
from ..permissions import owner_refusal
from . import values as v
from .cells import CUSTOMER_COUNTRY, VALIDATED_COLUMNS
from .columns import COLUMN_BY_KEY
from .lookups import Pending

# Text columns and their length limit: the model's, and for a text without one (the
# description) a cap that keeps a hostile file from storing megabytes per customer.
TEXT_CAP = 100_000
CUSTOMER_TEXT = {
    name: Customer._meta.get_field(name).max_length or TEXT_CAP
    for name in rules.CUSTOMER_TEXT_FIELDS
}
# Look-up column -> the attname it fills.
CUSTOMER_LOOKUPS = {
    name: Customer._meta.get_field(name).attname for name in rules.CUSTOMER_LOOKUP_FIELDS
}
ATTNAME_COLUMNS = {attname: key for key, attname in CUSTOMER_LOOKUPS.items()}
# The columns whose validator reads the customer's country (organisation and VAT number).
COUNTRY_VALIDATED = frozenset(
    key for key, (_kind, _clean, reads) in VALIDATED_COLUMNS.items() if reads == CUSTOMER_COUNTRY
)


def plan_customer(planner, state, plan, cells):
    """Validate the customer's own columns of the row and plan (or skip) their changes."""
    found = {}
    if "country" in cells:
        try:
            found["country"] = v.clean_country(cells["country"])
        except ValidationError as exc:
            state.error("country", cells["country"], exc)
    country = found.get("country") or plan.country_now()
    validator = planner.cells
    for key, value in cells.items():
        try:
            if key == "name" and (
                ("number" not in cells and not plan.is_new)
                or v.fold(value) == v.fold(plan.values.get("name", ""))
            ):
                continue  # the name identified the customer; nothing to change
            if key in CUSTOMER_TEXT:
                found[key] = v.clean_text(value, CUSTOMER_TEXT[key])
            elif key in COUNTRY_VALIDATED:
                found[key] = validator.column(key, value, country)
            elif key == "website":
                found[key] = validator.column(key, value)
            elif key == "email":
                found[key] = validator.email(value)
            elif key in CUSTOMER_LOOKUPS:
                index = getattr(planner.lookups, key)
                found[CUSTOMER_LOOKUPS[key]] = index.resolve(
                    value, create=planner.options.create_missing
                )
        except ValidationError as exc:
            state.error(key, value, exc)
    if "einvoice_address" in found or "einvoice_operator_id" in found:
        _check_einvoice(planner, state, plan, cells, found)
    if plan.is_new and "owner_id" in found:
        # As on the form and in the API: an "Edit own customers only" user could not edit a
        # customer they create for someone else, so they may create only their own.
        refusal = owner_refusal(planner.user, found["owner_id"])
        if refusal:
            state.error("owner", cells["owner"], ValidationError(refusal))
            found.pop("owner_id")
    for attname, value in found.items():
        _set(planner, state, plan, attname, value)


def _current(plan, attname, default):
    return plan.values.get(
        attname, getattr(plan.instance, attname) if plan.instance is not None else default
    )


def _check_einvoice(planner, state, plan, cells, found):
    """The e-invoice address must suit the operator: ``Customer.clean`` decides, as on the
    form."""
    operator_id = found.get("einvoice_operator_id", _current(plan, "einvoice_operator_id", None))
    if operator_id is None or isinstance(operator_id, Pending):
        return
    probe = Customer(
        country=plan.country_now(),
        einvoice_operator=EInvoiceOperator(
            pk=operator_id, address_format=_operator_format(planner, operator_id)
        ),
        einvoice_address=found.get("einvoice_address", _current(plan, "einvoice_address", "")),
    )
    try:
        probe.clean()
    except ValidationError as exc:
        for message in exc.message_dict.get("einvoice_address", []):
            state.error(
                "einvoice_address", cells.get("einvoice_address", ""), ValidationError(message)
            )
        found.pop("einvoice_address", None)
    else:
        if "einvoice_address" in found:
            found["einvoice_address"] = probe.einvoice_address


def _operator_format(planner, pk):
    formats = getattr(planner, "operator_formats", None)
    if formats is None:
        formats = planner.operator_formats = dict(
            EInvoiceOperator.objects.values_list("pk", "address_format")
        )
    return formats.get(pk, "free")


def _display(planner, attname, value):
    key = ATTNAME_COLUMNS.get(attname)
    if key is not None:
        return getattr(planner.lookups, key).display(value)
    return "" if value is None else str(value)


def _label(attname):
    return str(COLUMN_BY_KEY[ATTNAME_COLUMNS.get(attname, attname)].label)


def _set(planner, state, plan, attname, value):
    if attname in plan.values and attname != "number":
        if plan.values[attname] != value:
            message = _("Row %(row)s gives this customer %(value)s; a customer has one value.") % {
                "row": (plan.value_rows or {}).get(attname, plan.first_row),
                "value": _display(planner, attname, plan.values[attname]),
            }
            state.error(
                ATTNAME_COLUMNS.get(attname, attname),
                _display(planner, attname, value),
                ValidationError(message),
            )
        return
    if not plan.is_new:
        current = getattr(plan.instance, attname)
        if attname == "country":
            current = str(current)
        if current == value:
            return
        old, new = _display(planner, attname, current), _display(planner, attname, value)
        if not planner.may_change(state, _label(attname), old, new):
            return
        plan.changed = True
    plan.values[attname] = value
    if state.row != plan.first_row:
        plan.value_rows = plan.value_rows or {}
        plan.value_rows[attname] = state.row


def own_new_customers(planner):
    """New customers the file gives no owner belong to the importing user when that user may
    edit only their own customers (as the form pre-fills the owner and the API sets it)."""
    if owner_refusal(planner.user, None) is None:
        return
    for plan in planner.matcher.plans:
        plan.values.setdefault("owner_id", planner.user.pk)
