"""``core.stored.StoredColumn``: the contact search's text, stored by PostgreSQL, is the text the
query expression computes, for every contact and after every change."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.stored import StoredColumn
from customers.models import Contact
from customers.querysets import contact_search_text
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def _stored_and_computed():
    return list(
        Contact.objects.order_by("pk")
        .annotate(
            stored=StoredColumn(contact_search_text(), "search_text"),
            computed=contact_search_text(),
        )
        .values_list("stored", "computed")
    )


def test_the_stored_text_is_the_computed_text():
    ContactFactory(first_name="Åsa", last_name="Öberg", email="asa@example.se", phone="")
    ContactFactory(
        first_name="Per-Erik",
        last_name="von Ärlig",
        email="",
        phone="+46701234567",
        mobile="+4687654321",
    )
    ContactFactory(first_name="Ängel", last_name="Strauß", email="%_\\@x.se", phone="'")
    rows = _stored_and_computed()
    assert len(rows) == 3
    for stored, computed in rows:
        assert stored == computed
    assert rows[0][0] == "ÅSA ÖBERG ASA@EXAMPLE.SE  "


def test_the_stored_text_follows_a_change_of_the_contact():
    contact = ContactFactory(first_name="Anna", last_name="Berg")
    Contact.objects.filter(pk=contact.pk).update(last_name="Lind", mobile="+46700000000")
    ((stored, computed),) = _stored_and_computed()
    assert stored == computed
    assert "LIND" in stored and "BERG" not in stored


def test_the_search_reads_the_stored_column_on_postgresql_also_in_a_subquery():
    found = ContactFactory(first_name="Karl", last_name="Öberg")
    ContactFactory(first_name="Karl", last_name="Lind")
    searched = Contact.objects.search("öbe")
    with CaptureQueriesContext(connection) as queries:
        outer = list(Contact.objects.filter(pk__in=searched.values("pk")))
        direct = list(searched)
    assert outer == direct == [found]
    sql = queries.captured_queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert '"search_text"' in sql and "UPPER" not in sql.split("WHERE", 1)[1]
    else:
        assert "search_text" not in sql
