"""Writes to a customer's grouping options: on one customer's settings tab and in bulk.

The rule "at most one option per single-choice category" lives here, so the settings tab, the
report's bulk actions and the importer keep it alike. Every change of the through table leaves
a history row (who, when, where from), also the bulk ones, which bypass ``save()``.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from .. import history
from ..models import Customer, CustomerGroupingOption, GroupingOption

# Rows per statement: SQLite allows at most 32766 bound parameters in one statement.
BATCH_SIZE = 900


def _check_one_per_single_category(options):
    seen = {}
    for option in options:
        category = option.category
        if not category.is_single_choice:
            continue
        if category.pk in seen and seen[category.pk] != option.pk:
            raise ValidationError(
                _("%(category)s allows only one option.") % {"category": category.name},
                code="single_choice",
            )
        seen[category.pk] = option.pk


def _write_deletion_history(rows, *, user):
    """Historical "-" records for through rows deleted in bulk (``delete()`` on a queryset
    sends no signals, so simple-history would not see them)."""
    historical = CustomerGroupingOption.history.model
    now = timezone.now()
    reason = history.current_source()
    historical.objects.bulk_create(
        [
            historical(
                id=row.id,
                customer_id=row.customer_id,
                option_id=row.option_id,
                created_at=row.created_at,
                history_date=now,
                history_type="-",
                history_user=user,
                history_change_reason=reason,
            )
            for row in rows
        ],
        batch_size=BATCH_SIZE,
    )


def _delete_rows(queryset, *, user):
    rows = list(queryset)
    if rows:
        _write_deletion_history(rows, user=user)
        for start in range(0, len(rows), BATCH_SIZE):
            ids = [row.id for row in rows[start : start + BATCH_SIZE]]
            # _raw_delete skips the per-row signals: the history rows were written above in
            # bulk, and the through table has nothing that cascades.
            doomed = CustomerGroupingOption.objects.filter(id__in=ids)
            doomed._raw_delete(doomed.db)
    return rows


def _create_rows(pairs, *, user):
    if not pairs:
        return
    bulk_create_with_history(
        [CustomerGroupingOption(customer_id=c, option_id=o) for c, o in pairs],
        CustomerGroupingOption,
        batch_size=BATCH_SIZE,
        default_user=user,
        default_change_reason=history.current_source(),
    )


@transaction.atomic
def customer_set_grouping_options(*, customer, user, options):
    """Give ``customer`` exactly ``options`` (an iterable of GroupingOption).

    Raises ``ValidationError`` when two options of a single-choice category are given, or
    when an option that is not held yet is inactive (or its category is). Options the
    customer keeps are left alone, so their history shows no change. Returns
    ``(added, removed)``, the options added and removed.
    """
    list(Customer.objects.select_for_update().filter(pk=customer.pk).values_list("pk"))
    wanted = {option.pk: option for option in options}
    options = list(
        GroupingOption.objects.filter(pk__in=wanted).select_related("category").order_by()
    )
    _check_one_per_single_category(options)
    held = set(
        CustomerGroupingOption.objects.filter(customer=customer).values_list("option_id", flat=True)
    )
    new = [option for option in options if option.pk not in held]
    for option in new:
        if not (option.is_active and option.category.is_active):
            raise ValidationError(
                _("%(option)s is no longer in use and cannot be added.") % {"option": option.name},
                code="inactive_option",
            )
    removed_rows = _delete_rows(
        CustomerGroupingOption.objects.filter(customer=customer).exclude(
            option_id__in=[o.pk for o in options]
        ),
        user=user,
    )
    _create_rows([(customer.pk, option.pk) for option in new], user=user)
    return new, [row.option_id for row in removed_rows]


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


@transaction.atomic
def grouping_option_add(*, customers_qs, option, user):
    """Give ``option`` to every customer of ``customers_qs`` that lacks it, in one transaction.

    For a single-choice category, a customer's other option of that category is removed in
    the same step (the option replaces it). The caller narrows ``customers_qs`` to customers
    the user may edit. Customer rows are locked so a concurrent change cannot leave a customer
    with two options of a single-choice category. History rows are marked as a bulk change.
    Returns the number of customers that changed.
    """
    if not (option.is_active and option.category.is_active):
        raise ValidationError(
            _("%(option)s is no longer in use and cannot be added.") % {"option": option.name},
            code="inactive_option",
        )
    with history.change_source(history.SOURCE_BULK):
        target_ids = list(
            _editable(customers_qs)
            .exclude(_holds(option))
            .select_for_update()
            .values_list("pk", flat=True)
        )
        for start in range(0, len(target_ids), BATCH_SIZE):
            chunk = target_ids[start : start + BATCH_SIZE]
            if option.category.is_single_choice:
                _delete_rows(
                    CustomerGroupingOption.objects.filter(
                        customer_id__in=chunk, option__category_id=option.category_id
                    ).exclude(option=option),
                    user=user,
                )
            _create_rows([(customer_id, option.pk) for customer_id in chunk], user=user)
    return len(target_ids)


@transaction.atomic
def grouping_option_remove(*, customers_qs, option, user):
    """Take ``option`` away from every customer of ``customers_qs`` that holds it.

    One transaction; history rows marked as a bulk change. Returns the number of customers
    that changed.
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
    return len(target_ids)
