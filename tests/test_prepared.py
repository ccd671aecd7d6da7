"""core.prepared: a query shape compiled once runs the SQL Django would make, with the rows
Django would give, and refuses values it cannot put in the SQL as they are."""

import datetime
from unittest import mock

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from core.prepared import Prepared
from customers.models import Customer
from tests.factories import CustomerFactory, IndustryFactory, UserFactory

pytestmark = pytest.mark.django_db


def _customers(may_view, *, pk):
    return Customer.objects.visible_if(may_view).select_related("owner", "industry").filter(pk=pk)


def _by_name(*, name, industry_id):
    return Customer.objects.filter(name=name, industry_id=industry_id).values("pk", "name")


def _counting_compiles():
    return mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql)


def test_the_sql_is_the_one_django_makes_for_each_value():
    prepared = Prepared(_customers)
    for pk in (1, 42, 987_654):
        assert prepared.compiled(True, pk=pk) == _customers(True, pk=pk).query.sql_with_params()
    prepared = Prepared(_by_name)
    for name, industry_id in (("Åkerlund AB", 3), ("x' OR 1=1 --", 9)):
        expected = _by_name(name=name, industry_id=industry_id).query.sql_with_params()
        assert prepared.compiled(name=name, industry_id=industry_id) == expected


def test_rows_are_those_of_the_plain_queryset_and_compiled_once():
    owner = UserFactory(first_name="Åsa", last_name="Öberg")
    first = CustomerFactory(owner=owner, industry=IndustryFactory(name="Bygg"))
    second = CustomerFactory(owner=None, industry=None)
    prepared = Prepared(_customers)
    assert prepared(True, pk=first.pk) == list(_customers(True, pk=first.pk))
    with _counting_compiles() as compiles, CaptureQueriesContext(connection) as queries:
        found = prepared(True, pk=second.pk)
        again = prepared(True, pk=first.pk)
    assert compiles.call_count == 0
    assert len(queries) == 2
    assert found == [second] and again == [first]
    # select_related filled the related objects from the same row: no further query.
    with CaptureQueriesContext(connection) as queries:
        assert again[0].owner.get_full_name() == "Åsa Öberg"
        assert again[0].industry.name == "Bygg"
        assert found[0].owner is None
    assert len(queries) == 0
    assert prepared(True, pk=second.pk + first.pk + 1000) == []


def test_values_querysets_give_dicts_and_hostile_text_is_a_parameter():
    industry = IndustryFactory()
    hostile = "'; DROP TABLE customers_customer; --"
    customer = CustomerFactory(name=hostile, industry=industry)
    CustomerFactory(name="Other AB", industry=industry)
    prepared = Prepared(_by_name)
    assert prepared(name="Other AB", industry_id=industry.pk)[0]["name"] == "Other AB"
    assert prepared(name=hostile, industry_id=industry.pk) == [{"pk": customer.pk, "name": hostile}]
    assert Customer.objects.count() == 2


def test_each_shape_is_compiled_on_its_own_and_an_empty_one_runs_no_query():
    customer = CustomerFactory()
    prepared = Prepared(_customers)
    assert prepared(True, pk=customer.pk) == [customer]
    with CaptureQueriesContext(connection) as queries:
        assert prepared(False, pk=customer.pk) == []
    assert len(queries) == 0


def test_a_value_django_rewrites_must_be_part_of_the_shape():
    prepared = Prepared(lambda *, text: Customer.objects.filter(name__icontains=text))
    with pytest.raises(ValueError, match="shape"):
        prepared(text="öbe")


def test_a_value_used_again_rewritten_is_refused():
    # The exact copy alone would be replaced; the LIKE pattern would keep the first value.
    prepared = Prepared(
        lambda *, text: Customer.objects.filter(name=text, organisation_number__icontains=text)
    )
    with pytest.raises(ValueError, match="shape"):
        prepared(text="öbe")


def test_aware_datetimes_are_values():
    def created_since(*, since):
        return Customer.objects.filter(created_at__gte=since).order_by("pk").values_list("pk")

    customer = CustomerFactory()
    prepared = Prepared(created_since)
    for since in (customer.created_at, customer.created_at + datetime.timedelta(seconds=1)):
        assert prepared.compiled(since=since) == created_since(since=since).query.sql_with_params()
    assert prepared(since=customer.created_at) == [(customer.pk,)]
    assert prepared(since=customer.created_at + datetime.timedelta(seconds=1)) == []
    with pytest.raises(TypeError, match="aware"):
        prepared(since=datetime.datetime(2026, 1, 1))  # noqa: DTZ001 - naive on purpose


def test_int_columns_of_every_width_and_an_in_list_as_a_shape():
    # history_id is a 32-bit column, the customer id a 64-bit one (psycopg's Int8 on
    # PostgreSQL); the IN list's length is the shape, its ids the values.
    def records(count, *, customer_id, **ids):
        return (
            Customer.history.model.objects.filter(
                id=customer_id, history_id__in=[ids[f"id{i}"] for i in range(count)]
            )
            .order_by("history_id")
            .values_list("history_id", "name")
        )

    customer = CustomerFactory(name="Före")
    customer.name = "Efter"
    customer.save()
    first, second = customer.history.order_by("history_id").values_list("history_id", flat=True)
    prepared = Prepared(records)
    expected = records(2, customer_id=customer.pk, id0=first, id1=second).query.sql_with_params()
    assert prepared.compiled(2, customer_id=customer.pk, id0=first, id1=second) == expected
    assert prepared(2, customer_id=customer.pk, id0=first, id1=second) == [
        (first, "Före"),
        (second, "Efter"),
    ]
    assert prepared(1, customer_id=customer.pk, id0=second) == [(second, "Efter")]
    assert prepared(1, customer_id=customer.pk + 1, id0=second) == []


@pytest.mark.parametrize("value", [None, True, 1.5, [1, 2]])
def test_values_that_change_the_sql_are_refused(value):
    prepared = Prepared(_customers)
    with pytest.raises(TypeError):
        prepared(True, pk=value)
