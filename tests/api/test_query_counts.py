"""Every API page runs a fixed number of queries: the same for 1 row as for 50.

The count is pinned for a token-authenticated request after a first one (which may also stamp
the token's last use): token look-up, the user's permissions (two), then the page's own
queries.
"""

import pytest
from django.urls import reverse

from customers.models import CustomerGroupingOption
from tests.api.conftest import token_client
from tests.factories import (
    ActivityFactory,
    AddressFactory,
    ContactFactory,
    CustomerFactory,
    GroupingOptionFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

AUTH = 3  # the token with its user, the user's permissions, the groups' permissions


def _rows(n):
    """``n`` customers, each with a head office, a contact, a project, an activity and a
    grouping option; returns the first customer."""
    option = GroupingOptionFactory()
    first = None
    for i in range(n):
        customer = CustomerFactory(name=f"Kund {i:02d}")
        address = AddressFactory(customer=customer, is_head_office=True, is_billing=True)
        ContactFactory(customer=customer, address=address)
        project = ProjectFactory(customer=customer)
        ActivityFactory(customer=customer, project=project)
        CustomerGroupingOption.objects.create(customer=customer, option=option)
        first = first or customer
    return first


def _sub_rows(customer, n):
    for _ in range(n - 1):
        address = AddressFactory(customer=customer)
        ContactFactory(customer=customer, address=address)


CASES = {
    # name: (url builder, queries after AUTH)
    "customers": (lambda c: reverse("api:customer_list"), 2 + 1),  # categories + options, page
    "customers searched": (lambda c: reverse("api:customer_list") + "?search=Kund", 3),
    "customer": (lambda c: reverse("api:customer_detail", args=[c.pk]), 3),
    "addresses": (lambda c: reverse("api:address_list", args=[c.pk]), 2),
    "contacts": (lambda c: reverse("api:contact_list", args=[c.pk]), 2),
    "groupings": (lambda c: reverse("api:customer_groupings", args=[c.pk]), 3),
    "settings": (lambda c: reverse("api:customer_settings", args=[c.pk]), 1),
    "projects": (lambda c: reverse("api:project_list"), 1),
    "activities": (lambda c: reverse("api:activity_list"), 3),
    "industries": (lambda c: reverse("api:industry_list"), 1),
    "categories": (lambda c: reverse("api:grouping_category_list"), 2),
}


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize("case", sorted(CASES))
def test_queries_per_page_are_fixed(django_assert_num_queries, editor, case, rows):
    customer = _rows(rows)
    _sub_rows(customer, rows)
    url_of, queries = CASES[case]
    client = token_client(editor)
    url = url_of(customer)
    assert client.get(url).status_code == 200
    with django_assert_num_queries(AUTH + queries):
        response = client.get(url)
    assert response.status_code == 200
    body = response.json()
    if isinstance(body, dict) and "results" in body and case not in ("settings",):
        assert len(body["results"]) == rows


def test_a_create_looks_up_no_reference_the_service_set_itself(editor):
    """Creating a customer with its head office validates the input, not the rows the service
    chose: no existence look-up of the acting user (the audit stamps), of the customer it has
    just locked (the address's reference) or of the number the sequence has just handed out."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = token_client(editor)
    body = {
        "name": "Nya Bygg AB",
        "address": {"line1": "Storgatan 1", "postal_code": "903 26", "city": "Umeå"},
    }
    api.post(reverse("api:customer_list"), {**body, "name": "Första AB"}, format="json")
    with CaptureQueriesContext(connection) as queries:
        response = api.post(reverse("api:customer_list"), body, format="json")
    assert response.status_code == 201, response.content
    lookups = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT 1 AS "a"')]
    assert lookups == []
