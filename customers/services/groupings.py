"""Writes to a customer's grouping options: on one customer's settings tab and in bulk.

The rule "at most one option per single-choice category" lives in ``customers/rules.py``
(``doubled_single_choice``, ``replaced_options``), which the importer calls too. Every change
of the through table leaves a history record (who, when, where from), also the bulk ones,
written by ``customers/bulk.py``.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from core import history

from .. import bulk, rules
from ..models import Customer, CustomerGroupingOption, GroupingOption
from . import versioning

# Customers per statement in the bulk actions.
BATCH_SIZE = 2000


def _delete_rows(queryset, *, user):
    """Delete the through rows of ``queryset`` with their "-" history; return option ids."""
    option_ids = list(queryset.values_list("option_id", flat=True))
    if option_ids:
        bulk.delete(queryset, user=user)
    return option_ids


def _create_rows(pairs, *, user):
    """Create through rows ``(customer id, option id)`` with their "+" history."""
    bulk.insert(
        CustomerGroupingOption,
        pairs,
        lambda pair: {"customer_id": pair[0], "option_id": pair[1]},
        user=user,
    )


def _inactive_error(option):
    return ValidationError(
        _("%(option)s is no longer in use and cannot be added.") % {"option": option.name},
        code="inactive_option",
    )


@transaction.atomic
def customer_set_grouping_options(*, customer, user, options, bump_version=True):
    """Give ``customer`` exactly ``options`` (an iterable of GroupingOption).

    Raises ``ValidationError`` when two options of a single-choice category are given, or
    when an option that is not held yet is inactive (or its category is). Options the
    customer keeps are left alone, so their history shows no change. A change makes the
    customer one version newer, as the bulk actions and the importer do, so a form opened
    before cannot save the old options back; ``bump_version=False`` when the caller saves the
    customer as a new version in the same transaction (the settings tab). Returns
    ``(added, removed)``, the options added and removed.
    """
    list(Customer.objects.select_for_update().filter(pk=customer.pk).values_list("pk"))
    wanted = {option.pk: option for option in options}
    options = list(
        GroupingOption.objects.filter(pk__in=wanted).select_related("category").order_by()
    )
    doubled = rules.doubled_single_choice(
        options,
        category=lambda option: option.category,
        is_single=lambda category: category.is_single_choice,
    )
    if doubled is not None:
        raise rules.single_choice_error(doubled.name)
    held = set(
        CustomerGroupingOption.objects.filter(customer=customer).values_list("option_id", flat=True)
    )
    new = [option for option in options if option.pk not in held]
    for option in new:
        if not (option.is_active and option.category.is_active):
            raise _inactive_error(option)
    removed = _delete_rows(
        CustomerGroupingOption.objects.filter(customer=customer).exclude(
            option_id__in=[o.pk for o in options]
        ),
        user=user,
    )
    _create_rows([(customer.pk, option.pk) for option in new], user=user)
    if bump_version and (new or removed):
        versioning.bump_rows(Customer.objects.filter(pk=customer.pk), user=user)
    return new, removed


def _holds(option):
    return Exists(CustomerGroupingOption.objects.filter(customer=OuterRef("pk"), option=option))


def _editable(customers_qs):
    # Filter by pk through a subquery so any queryset (sliced ones excepted) can be passed.
    return Customer.objects.filter(pk__in=customers_qs.values("pk")).order_by("pk")


def grouping_option_add_preview(*, customers_qs, option):
    """How an add would go: ``(customers that get the option, of them those whose other
    option of the same single-choice category is replaced)``. Runs two count queries."""
    targets = _editable(customers_qs).exclude(_holds(option))
    replaced = 0
    if option.category.is_single_choice:
        replaced = targets.filter(
            Exists(
                CustomerGroupingOption.objects.filter(
                    customer=OuterRef("pk"), option__category_id=option.category_id
                ).exclude(option=option)
            )
        ).count()
    return targets.count(), replaced


def grouping_option_remove_preview(*, customers_qs, option):
    """How many of the customers hold ``option`` (and would lose it)."""
    return _editable(customers_qs).filter(_holds(option)).count()


def _progress(progress, done, total):
    if progress is not None:
        progress("customers", done, total)


def _touch(customer_ids, *, user):
    """Make the customers one version newer: a settings form opened before a bulk change
    must not save the old set of options back over it (lost update)."""
    versioning.bump_rows(Customer.objects.filter(pk__in=customer_ids), user=user)


@transaction.atomic
def grouping_option_add(*, customers_qs, option, user, progress=None):
    """Give ``option`` to every customer of ``customers_qs`` that lacks it, in one transaction.

    For a single-choice category, a customer's other option of that category is removed in
    the same step (the option replaces it). The caller narrows ``customers_qs`` to customers
    the user may edit. Customer rows are locked so a concurrent change cannot leave a customer
    with two options of a single-choice category. History rows are marked as a bulk change.
    Returns the number of customers that changed. ``progress(phase, done, total)`` (a job's)
    hears after each batch of ``BATCH_SIZE`` customers.
    """
    if not (option.is_active and option.category.is_active):
        raise _inactive_error(option)
    single = option.category.is_single_choice
    with history.change_source(history.SOURCE_BULK):
        target_ids = list(
            _editable(customers_qs)
            .exclude(_holds(option))
            .select_for_update()
            .values_list("pk", flat=True)
        )
        for start in range(0, len(target_ids), BATCH_SIZE):
            chunk = target_ids[start : start + BATCH_SIZE]
            if single:  # only a single-choice category's option replaces others
                held = set(
                    CustomerGroupingOption.objects.filter(
                        customer_id__in=chunk, option__category_id=option.category_id
                    ).values_list("option_id", flat=True)
                )
                replaced = rules.replaced_options(
                    held, option.pk, category=lambda _option_id: option.category_id, single=single
                )
                if replaced:
                    bulk.delete(
                        CustomerGroupingOption.objects.filter(
                            customer_id__in=chunk, option_id__in=replaced
                        ),
                        user=user,
                    )
            # Read after the customers are locked: a holder a concurrent request added before
            # the lock was taken is left as it is.
            holders = set(
                CustomerGroupingOption.objects.filter(
                    customer_id__in=chunk, option=option
                ).values_list("customer_id", flat=True)
            )
            _create_rows(
                [(customer_id, option.pk) for customer_id in chunk if customer_id not in holders],
                user=user,
            )
            _touch(chunk, user=user)
            _progress(progress, start + len(chunk), len(target_ids))
    return len(target_ids)


@transaction.atomic
def grouping_option_remove(*, customers_qs, option, user, progress=None):
    """Take ``option`` away from every customer of ``customers_qs`` that holds it.

    One transaction; history rows marked as a bulk change. Returns the number of customers
    that changed; ``progress`` as for ``grouping_option_add``.
    """
    with history.change_source(history.SOURCE_BULK):
        target_ids = list(
            _editable(customers_qs)
            .filter(_holds(option))
            .select_for_update()
            .values_list("pk", flat=True)
        )
        for start in range(0, len(target_ids), BATCH_SIZE):
            chunk = target_ids[start : start + BATCH_SIZE]
            _delete_rows(
                CustomerGroupingOption.objects.filter(customer_id__in=chunk, option=option),
                user=user,
            )
            _touch(chunk, user=user)
            _progress(progress, start + len(chunk), len(target_ids))
    return len(target_ids)
