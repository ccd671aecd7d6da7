"""Lists sort as Swedish sorts: Å, Ä, Ö after Z (PostgreSQL: the ICU collation kundkort_sv;
SQLite: the Python collation of the same name). Runs on whichever database the suite uses."""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation
from django_countries import countries

from customers.collation import swedish, swedish_sort_key
from customers.models import Customer
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

NAMES = ["Östberg AB", "Zenit AB", "Åkerlund AB", "Ängel AB", "Alfa AB", "ebbe AB", "Éclat AB"]
SWEDISH_ORDER = [
    "Alfa AB",
    "ebbe AB",
    "Éclat AB",
    "Zenit AB",
    "Åkerlund AB",
    "Ängel AB",
    "Östberg AB",
]


def test_database_orders_names_in_swedish():
    for name in NAMES:
        CustomerFactory(name=name)
    ordered = Customer.objects.order_by(swedish("name")).values_list("name", flat=True)
    assert list(ordered) == SWEDISH_ORDER


def test_customer_list_is_in_swedish_order_both_ways(reader_client):
    for name in NAMES:
        CustomerFactory(name=name)
    url = reverse("customers:customer_list")
    ascending = [c.name for c in reader_client.get(url).context["customers"]]
    descending = [c.name for c in reader_client.get(url, {"sort": "-name"}).context["customers"]]
    assert ascending == SWEDISH_ORDER
    assert descending == SWEDISH_ORDER[::-1]


def test_python_sort_key_agrees_with_the_database():
    assert sorted(NAMES, key=swedish_sort_key) == SWEDISH_ORDER


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the ICU collation is PostgreSQL's")
def test_postgresql_has_the_icu_collation():
    with connection.cursor() as cursor:
        cursor.execute("SELECT collprovider FROM pg_collation WHERE collname = %s", ["kundkort_sv"])
        assert cursor.fetchone() == ("i",)


def test_countries_sort_in_swedish_and_are_named_in_swedish():
    with translation.override("sv"):
        names = [str(name) for _code, name in countries]
    # After the Nordic countries put first (COUNTRIES_FIRST), the whole list in order.
    rest = names[5:]
    assert rest.index("Zimbabwe") < rest.index("Åland") < rest.index("Österrike")
    assert rest.index("Venezuela") < rest.index("Västsahara")
    for swedish_name in ["Australien", "Palestina", "Brasilien", "Kanada", "Nordmakedonien"]:
        assert swedish_name in names
    for english_name in ["Australia", "Palestine, State of", "Palestina, State of", "Brazil"]:
        assert english_name not in names


def test_countries_keep_english_names_in_english():
    with translation.override("en"):
        names = [str(name) for _code, name in countries]
    assert "Australia" in names
