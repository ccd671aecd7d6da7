"""Reads of the API, narrowed through ``visible_to`` and carrying their joins and prefetches,
so a page of any size runs a fixed number of queries (tests/api/test_query_counts.py)."""

from django.db.models import OuterRef, Prefetch, Subquery
from rest_framework.exceptions import ValidationError

from activities.models import Activity
from customers.filters_report import CustomerReportFilter
from customers.models import Address, Contact, Customer, GroupingOption
from customers.selectors.groupings import grouping_categories
from projects.models import Project


def customer_filterset(*, user, params, categories=None):
    """The customer report's filters (active, owner, industry, country, city, created from/to,
    grouping options per category with any/all) over the customers the user may see."""
    return CustomerReportFilter(
        params,
        queryset=Customer.objects.visible_to(user),
        categories=grouping_categories() if categories is None else categories,
    )


def customer_list(*, user, params):
    """The customers matching the report's filters and ``search`` (as the customer list
    searches: number, name, organisation/VAT number, city). Invalid filters raise 400."""
    filterset = customer_filterset(user=user, params=params)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    queryset = filterset.qs
    search = (params.get("search") or "").strip()
    if search:
        queryset = queryset.search(search)
    head_office_city = Address.objects.filter(customer=OuterRef("pk"), is_head_office=True).values(
        "city"
    )[:1]
    return queryset.annotate(head_office_city=Subquery(head_office_city))


def customer_detail_queryset(*, user):
    """Customers the user may see, with what the detail shows: head office and default
    billing address (one query for both) and the grouping options held (one query)."""
    return Customer.objects.visible_to(user).prefetch_related(
        Prefetch(
            "addresses",
            queryset=Address.objects.filter(is_head_office=True)
            | Address.objects.filter(is_default_billing=True),
            to_attr="prefetched_addresses",
        ),
        Prefetch(
            "grouping_options",
            queryset=GroupingOption.objects.select_related("category").order_by(
                "category__order", "category__name", "order", "name"
            ),
            to_attr="held_options",
        ),
    )


def customer_addresses(*, customer):
    return Address.objects.filter(customer=customer)


def customer_contacts(*, customer, active=None):
    contacts = Contact.objects.filter(customer=customer)
    if active is not None:
        contacts = contacts.filter(is_active=active)
    return contacts


def project_list(*, user, customer_id=None):
    projects = Project.objects.visible_to(user).select_related(
        "customer", "owner", "sales_status", "currency"
    )
    if customer_id is not None:
        projects = projects.filter(customer_id=customer_id)
    return projects


def activity_list(*, user, customer_id=None, project_id=None):
    activities = (
        Activity.objects.visible_to(user)
        .select_related("type", "owner", "customer", "project")
        .prefetch_related(
            Prefetch(
                "participant_users",
                queryset=Activity.participant_users.rel.model.objects.only("pk"),
            ),
            Prefetch("participant_contacts", queryset=Contact.objects.only("pk")),
        )
    )
    if customer_id is not None:
        activities = activities.filter(customer_id=customer_id)
    if project_id is not None:
        activities = activities.filter(project_id=project_id)
    return activities
