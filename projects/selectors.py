"""Reads that feed the project pages and the card's Sales & Projects tab (fixed query counts)."""

from decimal import Decimal

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Project, SalesStatus


def weighted_value_expression():
    """expected value × probability (the project's own, else its status's) / 100."""
    return ExpressionWrapper(
        F("expected_value")
        * Coalesce("probability", "sales_status__probability", Value(0))
        / Value(100),
        output_field=DecimalField(max_digits=20, decimal_places=2),
    )


def project_totals(projects, *, year=None):
    """Open pipeline (plain and weighted by probability) and won value in ``year``, per currency.

    One query: a row per currency, ``currency`` being the code or "" for projects without one.
    """
    year = year or timezone.localdate().year
    open_sales = Q(is_closed=False, kind=Project.SALES) & ~Q(
        sales_status__category__in=[SalesStatus.WON, SalesStatus.LOST]
    )
    won = Q(sales_status__category=SalesStatus.WON, won_date__year=year)
    zero = Value(Decimal("0"), output_field=DecimalField(max_digits=20, decimal_places=2))
    rows = (
        projects.order_by()
        .values("currency__code")
        .annotate(
            pipeline=Coalesce(Sum("expected_value", filter=open_sales), zero),
            weighted=Coalesce(Sum(weighted_value_expression(), filter=open_sales), zero),
            won=Coalesce(Sum("expected_value", filter=won), zero),
        )
        .order_by("currency__code")
    )
    return [
        {
            "currency": row["currency__code"] or "",
            "pipeline": row["pipeline"],
            "weighted": row["weighted"],
            "won": row["won"],
        }
        for row in rows
        if row["pipeline"] or row["won"]
    ]


# What a row of the Sales & Projects tab reads (projects/card/_project_table.html and its
# status_class filter).
CARD_ROW_FIELDS = (
    "number",
    "name",
    "kind",
    "is_closed",
    "closed_date",
    "expected_order_date",
    "start_date",
    "deadline",
    "expected_value",
    "probability",
    "customer",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
    "sales_status__name",
    "sales_status__category",
    "sales_status__probability",
    "currency__code",
)


def customer_projects(*, customer, user, open_page=None, closed_page=None, with_totals=True):
    """The customer's projects for the Sales & Projects tab: open and closed, each paginated.

    Open ones are ordered by expected order date (soonest first), closed ones newest closed
    first. Queries: one counting both lists, one per list's page (none for an empty list) and
    one for the totals.
    """
    projects = Project.objects.visible_to(user).filter(customer=customer)
    # Only the columns the tables show (31 instead of 71 to compile, send and load).
    rows = projects.select_related("owner", "sales_status", "currency").only(*CARD_ROW_FIELDS)
    size = settings.KUNDKORT_PAGE_SIZE
    counts = projects.aggregate(
        open=Count("pk", filter=Q(is_closed=False)), closed=Count("pk", filter=Q(is_closed=True))
    )
    open_paginator = Paginator(
        rows.filter(is_closed=False).order_by(
            "kind", F("expected_order_date").asc(nulls_last=True), "-created_at", "-id"
        ),
        size,
    )
    closed_paginator = Paginator(
        rows.filter(is_closed=True).order_by(
            F("closed_date").desc(nulls_last=True), "-created_at", "-id"
        ),
        size,
    )
    # Both counts came in one query: the paginators do not count again.
    open_paginator.count = counts["open"]
    closed_paginator.count = counts["closed"]
    open_list = open_paginator.get_page(open_page)
    closed_list = closed_paginator.get_page(closed_page)
    return {
        "open_projects": open_list,
        "closed_projects": closed_list,
        "totals": project_totals(projects) if with_totals else [],
        "year": timezone.localdate().year,
    }
