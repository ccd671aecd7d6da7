"""``__any_of``: the same rows as ``__in``, written as one array parameter on PostgreSQL."""

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from customers.models import Address, Customer
from tests.factories import AddressFactory, CustomerFactory

pytestmark = pytest.mark.django_db


def test_any_of_finds_the_same_rows_as_in():
    customers = [CustomerFactory() for _ in range(4)]
    for customer in customers[:3]:
        AddressFactory(customer=customer)
    wanted = [customers[0].pk, customers[2].pk, customers[3].pk, 10**9]

    assert set(Customer.objects.filter(pk__any_of=wanted).values_list("pk", flat=True)) == set(
        Customer.objects.filter(pk__in=wanted).values_list("pk", flat=True)
    )
    assert set(Address.objects.filter(customer_id__any_of=wanted).values_list("pk", flat=True)) == {
        a.pk for a in Address.objects.filter(customer__in=[customers[0], customers[2]])
    }
    numbers = [customers[1].number]
    assert list(Customer.objects.filter(number__any_of=numbers)) == [customers[1]]


def test_any_of_an_empty_list_finds_nothing():
    CustomerFactory()
    assert not Customer.objects.filter(pk__any_of=[]).exists()


def test_any_of_is_one_parameter_on_postgresql():
    customers = [CustomerFactory() for _ in range(3)]
    with CaptureQueriesContext(connection) as queries:
        list(Customer.objects.filter(pk__any_of=[c.pk for c in customers]))
    sql = queries.captured_queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql
    else:
        assert " IN (" in sql


def test_any_of_at_run_finds_the_same_rows_as_in_and_is_a_run_time_array_on_postgresql():
    customers = [CustomerFactory(name=name) for name in ("Alfa AB", "Beta AB", "Gamma AB")]
    for customer in customers:
        AddressFactory(customer=customer)
    wanted = [customers[0].pk, customers[2].pk, 10**12]
    # Inside an OR, as the project search uses it.
    condition = Q(customer__any_of_at_run=wanted) | Q(city="Ingenstans")
    with CaptureQueriesContext(connection) as queries:
        found = set(Address.objects.filter(condition).values_list("customer_id", flat=True))
    assert found == {customers[0].pk, customers[2].pk}
    assert not Address.objects.filter(customer__any_of_at_run=[]).exists()
    sql = queries.captured_queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY((SELECT " in sql
    else:
        assert " IN (" in sql
