"""``core.pagination.by_keys``: a page's rows by their keys, with the filters applied once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.pagination import by_keys
from customers.models import Customer
from projects.models import Project
from tests.factories import ContactFactory, CustomerFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def _rows_and_sql(queryset):
    with CaptureQueriesContext(connection) as queries:
        rows = list(queryset)
    assert len(queries.captured_queries) == 1
    return rows, queries.captured_queries[0]["sql"]


def test_joins_to_one_row_drop_the_repeated_filter():
    wanted = [ProjectFactory(name=f"Molnflytt {i}") for i in range(3)]
    ProjectFactory(name="Annat")
    projects = (
        Project.objects.filter(name__icontains="moln")
        .select_related("customer", "owner")
        .order_by("-name")
    )
    rows, sql = _rows_and_sql(by_keys(projects, projects.values("pk")[:2]))
    assert rows == sorted(wanted, key=lambda p: p.name, reverse=True)[:2]
    assert rows[0].customer == wanted[-1].customer  # the select_related join is kept
    # The condition is in the keys' subquery only, not once more around it.
    assert sql.upper().count("LIKE") == 1


def test_a_join_to_many_rows_keeps_the_filter_so_no_row_is_repeated():
    customer = CustomerFactory(name="Molnbolaget")
    ContactFactory(customer=customer, last_name="Berg")
    ContactFactory(customer=customer, last_name="Lind")
    ContactFactory(customer=customer, last_name="Ek")
    CustomerFactory(name="Annat")
    customers = Customer.objects.filter(contacts__last_name="Berg").order_by("name")
    rows, sql = _rows_and_sql(by_keys(customers, customers.values("pk")[:5]))
    # Without the contact condition the join would give the customer once per contact.
    assert rows == list(customers) == [customer]
    assert sql.count("Berg") == 2  # in the keys and around them


def test_an_empty_queryset_stays_empty():
    ProjectFactory()
    projects = Project.objects.none()
    assert list(by_keys(projects, Project.objects.values("pk"))) == []
