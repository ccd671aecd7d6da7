"""Writes of a customer's billing defaults (the Customer settings tab).

The defaults are copied into new projects when they are created; changing them here never
touches existing projects, so this service writes the customer row only.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Customer
from . import versioning

# The billing fields the settings tab edits; FK lookups must be active when newly chosen.
SETTINGS_FIELDS = (
    "payment_term",
    "invoice_template",
    "price_list",
    "currency",
    "invoice_language",
    "overdue_interest",
    "einvoice_address",
    "einvoice_operator",
)
LOOKUP_FIELDS = (
    "payment_term",
    "invoice_template",
    "price_list",
    "currency",
    "invoice_language",
    "einvoice_operator",
)


@transaction.atomic
def customer_update_settings(*, customer_pk, user, expected_version, **fields):
    """Change the customer's billing defaults and return the customer.

    Raises ``versioning.StaleObjectError`` when the customer was saved after the form was
    opened, and ``ValidationError`` for invalid values: an e-invoice address that does not
    suit the operator (``Customer.clean``), or a lookup that was deactivated, unless the
    customer already had it (an inactive value may stay, it may not be newly chosen).
    """
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"Unknown settings fields: {', '.join(sorted(unknown))}")
    customer = versioning.lock_for_update(
        Customer, pk=customer_pk, expected_version=expected_version
    )
    errors = {}
    for name in LOOKUP_FIELDS:
        if name not in fields:
            continue
        value = fields[name]
        changed = value is not None and value.pk != getattr(customer, f"{name}_id")
        if changed and not value.is_active:
            errors[name] = _("%(value)s is no longer in use; choose another.") % {"value": value}
    if errors:
        raise ValidationError(errors)
    for name, value in fields.items():
        setattr(customer, name, value)
    customer.full_clean()
    versioning.bump(customer, user=user)
    customer._history_user = user
    customer.save()
    return customer
