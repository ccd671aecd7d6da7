"""Writes to a customer's grouping options: on one customer's settings tab and in bulk.

The rule "at most one option per single-choice category" lives here, so the settings tab, the
report's bulk actions and the importer keep it alike. Every change of the through table leaves
a history row (who, when, where from), also the bulk ones, which bypass ``save()``.
"""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core import history

from ..models import Customer, CustomerGroupingOption, GroupingOption

# Rows per statement: SQLite (3.32+) allows 32766 bound parameters in one statement, and a
# historical row has 8 columns.
BATCH_SIZE = 2000


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


def _copy_to_history(queryset, *, history_type, user):
    """Write a history row for each through row of ``queryset`` with one INSERT ... SELECT.

    Bulk writes bypass ``save()``/``delete()`` signals, so simple-history would not see them;
    copying in the database keeps 100,000 rows within seconds (building model instances for
    them took most of a minute).
    """
    historical = CustomerGroupingOption.history.model
    quote = connection.ops.quote_name
    select_sql, params = (
        queryset.order_by().values("id", "created_at", "customer_id", "option_id").query
    ).sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(historical._meta.db_table)} "
            "(history_date, history_change_reason, history_type, history_user_id, "
            "id, created_at, customer_id, option_id) "
            f"SELECT %s, %s, %s, %s, sub.* FROM ({select_sql}) sub",
            [
                connection.ops.adapt_datetimefield_value(timezone.now()),
                history.current_source()[:100],
                history_type,
                user.pk if user is not None else None,
                *params,
            ],
        )


def _delete_rows(queryset, *, user):
    """Delete the through rows of ``queryset`` with their "-" history; return option ids."""
    option_ids = list(queryset.values_list("option_id", flat=True))
    if option_ids:
        _copy_to_history(queryset, history_type="-", user=user)
        # _raw_delete skips the per-row signals: the history rows were written above, and
        # nothing cascades from the through table.
        queryset = queryset.order_by()
        queryset._raw_delete(queryset.db)
    return option_ids


def _create_rows(pairs, *, user):
    """Create a few through rows with their "+" history (one customer's settings tab)."""
    if not pairs:
        return
    bulk_create_with_history(
        [CustomerGroupingOption(customer_id=c, option_id=o) for c, o in pairs],
        CustomerGroupingOption,
        batch_size=BATCH_SIZE,
        default_user=user,
        default_change_reason=history.current_source(),
    )


def _create_for_customers(customer_ids, option, *, user):
    """Give ``option`` to ``customer_ids`` (none holds it yet) with one INSERT ... SELECT,
    then copy the new rows to history."""
    quote = connection.ops.quote_name
    placeholders = ", ".join(["%s"] * len(customer_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(CustomerGroupingOption._meta.db_table)} "
            "(customer_id, option_id, created_at) "
            f"SELECT id, %s, %s FROM {quote(Customer._meta.db_table)} "
            f"WHERE id IN ({placeholders}) "
            # A row a concurrent request added first is left as it is (PostgreSQL and SQLite).
            "ON CONFLICT DO NOTHING",
            [
                option.pk,
                connection.ops.adapt_datetimefield_value(timezone.now()),
                *customer_ids,
            ],
        )
    _copy_to_history(
        CustomerGroupingOption.objects.filter(option=option, customer_id__in=customer_ids),
        history_type="+",
        user=user,
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
    removed = _delete_rows(
        CustomerGroupingOption.objects.filter(customer=customer).exclude(
            option_id__in=[o.pk for o in options]
        ),
        user=user,
    )
    _create_rows([(customer.pk, option.pk) for option in new], user=user)
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


def _touch(customer_ids, *, user):
    """Make the customers one version newer: a settings form opened before a bulk change
    must not save the old set of options back over it (lost update)."""
    Customer.objects.filter(pk__in=customer_ids).update(
        version=F("version") + 1, updated_by=user, updated_at=timezone.now()
    )


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
            _create_for_customers(chunk, option, user=user)
            _touch(chunk, user=user)
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
            _touch(chunk, user=user)
    return len(target_ids)
