"""Reads of grouping categories and options for the settings tab, the report and bulk actions."""

from django.db.models import Prefetch

from core.prepared import Prepared

from ..models import GroupingCategory, GroupingOption


def grouping_categories(*, active_only=False):
    """Categories in their order, each with ``options`` prefetched in order (two queries)."""
    categories = GroupingCategory.objects.prefetch_related(
        Prefetch("options", queryset=GroupingOption.objects.order_by("order", "name", "pk"))
    ).order_by("order", "name")
    if active_only:
        categories = categories.filter(is_active=True)
    return categories


# The same SQL for every customer: compiled once (core.prepared).
_customer_options = Prepared(
    lambda *, customer_id: (
        GroupingOption.objects.filter(assignments__customer_id=customer_id)
        .select_related("category")
        .order_by("category__order", "category__name", "order", "name")
    )
)


def customer_grouping_options(customer):
    """The options a customer holds, with their categories (one query)."""
    return _customer_options(customer_id=customer.pk)


def _options_for_choice(active_only):
    options = GroupingOption.objects.select_related("category").order_by(
        "category__order", "category__name", "order", "name"
    )
    if active_only:
        options = options.filter(is_active=True, category__is_active=True)
    return options


_options_for_choice_rows = Prepared(_options_for_choice)


def grouping_options_for_choice(*, active_only=False):
    """Every option with its category, for a select list (one query, compiled once per
    process): a list."""
    return _options_for_choice_rows(bool(active_only))
