"""How the customer table is stored on PostgreSQL: room on each page for a row's newer version.

A version bump (every form save, and an import for each existing customer it changes) touches
no indexed column, so PostgreSQL can write the new row version as a heap-only tuple and skip
the table's fourteen indexes, but only when the row's page has free space (customers migration
0016 sets a fill factor of 85)."""

import pytest
from django.db import connection

from customers.models import Customer
from customers.services.versioning import bump_rows
from tests.factories import CustomerFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL storage setting"),
]


def _hot_updates_in_this_transaction():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_stat_get_xact_tuples_hot_updated('customers_customer'::regclass), "
            "pg_stat_get_xact_tuples_updated('customers_customer'::regclass)"
        )
        return cursor.fetchone()


def test_a_version_bump_of_a_customer_on_a_filled_page_skips_the_indexes():
    # Enough customers to fill the first pages to their fill factor (about 45 rows a page).
    customers = [CustomerFactory() for _ in range(120)]
    first = min(customers, key=lambda customer: customer.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (ctid::text::point)[0] FROM customers_customer WHERE id = %s", [first.pk]
        )
        page = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM customers_customer WHERE (ctid::text::point)[0] = %s", [page]
        )
        rows_on_page = cursor.fetchone()[0]
    assert rows_on_page > 10  # the page is filled, not a page holding one row
    hot_before, updated_before = _hot_updates_in_this_transaction()

    bump_rows(Customer.objects.filter(pk=first.pk))

    hot_after, updated_after = _hot_updates_in_this_transaction()
    assert updated_after == updated_before + 1
    assert hot_after == hot_before + 1
    first.refresh_from_db()
    assert first.version == 2
