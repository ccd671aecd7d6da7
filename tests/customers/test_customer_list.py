"""The customer list: permissions, search, filters, sort, pagination and a fixed query count."""

import factory
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers import roles
from tests.factories import AddressFactory, CustomerFactory, IndustryFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("customers:customer_list")


def listed(response):
    return [customer.name for customer in response.context["customers"]]


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_user_without_customer_rights_gets_403(client, no_rights_user):
    client.force_login(no_rights_user)
    assert client.get(URL).status_code == 403


def test_reader_sees_the_list_without_the_add_button(reader_client):
    CustomerFactory(name="Alfa AB")
    response = reader_client.get(URL)
    assert response.status_code == 200
    assert listed(response) == ["Alfa AB"]
    assert 'data-testid="add-customer"' not in response.content.decode()


def test_editor_sees_the_green_add_button(editor_client):
    content = editor_client.get(URL).content.decode()
    assert 'data-testid="add-customer"' in content
    assert "btn-kk-add" in content
    assert reverse("customers:customer_create") in content


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("alfa", ["Alfa Bygg AB"]),
        ("123456", ["Beta Data AB"]),
        ("556036", ["Alfa Bygg AB"]),
        ("SE55603607", ["Alfa Bygg AB"]),
        ("kiruna", ["Beta Data AB"]),
    ],
    ids=["name", "number", "organisation-number", "vat-number", "city"],
)
def test_search_matches_number_name_org_vat_and_city(reader_client, text, expected):
    alfa = CustomerFactory(
        name="Alfa Bygg AB",
        number=1001,
        organisation_number="556036-0793",
        vat_number="SE556036079301",
    )
    beta = CustomerFactory(name="Beta Data AB", number=123456)
    AddressFactory(customer=alfa, city="Lund", is_head_office=True)
    AddressFactory(customer=beta, city="Kiruna", is_head_office=True)
    response = reader_client.get(URL, {"q": text})
    assert listed(response) == expected


def test_search_without_hits_says_so(reader_client):
    CustomerFactory(name="Alfa AB")
    response = reader_client.get(URL, {"q": "zzz"})
    assert listed(response) == []
    assert 'id="no-customers"' in response.content.decode()


def test_list_shows_active_customers_by_default(reader_client):
    CustomerFactory(name="Aktiv AB")
    CustomerFactory(name="Vilande AB", is_active=False)
    assert listed(reader_client.get(URL)) == ["Aktiv AB"]


def test_inactive_filter_shows_only_inactive(reader_client):
    CustomerFactory(name="Aktiv AB")
    CustomerFactory(name="Vilande AB", is_active=False)
    assert listed(reader_client.get(URL, {"status": "inactive"})) == ["Vilande AB"]


def test_all_filter_shows_active_and_inactive(reader_client):
    CustomerFactory(name="Aktiv AB")
    CustomerFactory(name="Vilande AB", is_active=False)
    assert listed(reader_client.get(URL, {"status": "all"})) == ["Aktiv AB", "Vilande AB"]


def test_industry_filter(reader_client):
    bygg = IndustryFactory(name="Bygg")
    CustomerFactory(name="Bygg AB", industry=bygg)
    CustomerFactory(name="Handel AB", industry=IndustryFactory(name="Handel"))
    assert listed(reader_client.get(URL, {"industry": bygg.pk})) == ["Bygg AB"]


def test_owner_filter(reader_client, make_user):
    owner = make_user(roles.EDIT, username="saljare")
    CustomerFactory(name="Egen AB", owner=owner)
    CustomerFactory(name="Annans AB", owner=make_user(roles.EDIT, username="annan"))
    assert listed(reader_client.get(URL, {"owner": owner.pk})) == ["Egen AB"]


def test_owner_choices_are_the_active_users_who_may_see_customers(make_user):
    from django.contrib.auth.models import Permission

    from customers.selectors.customers import customer_owner_choices

    by_role = make_user(roles.READ_ONLY, username="roll")
    by_permission = UserFactory(username="egen")
    by_permission.user_permissions.add(
        Permission.objects.get(codename="view_customer", content_type__app_label="customers")
    )
    boss = UserFactory(username="chef", is_superuser=True)
    make_user(username="utan")  # no rights
    gone = make_user(roles.EDIT, username="slutat", is_active=False)
    other_right = UserFactory(username="annan")
    other_right.user_permissions.add(Permission.objects.get(codename="view_project"))
    assert set(customer_owner_choices()) == {by_role, by_permission, boss}
    # A customer's owner who left stays choosable on that customer's form.
    assert set(customer_owner_choices(include_pk=gone.pk)) == {by_role, by_permission, boss, gone}
    # A right taken away counts at once (the query is cached, its answer is not).
    by_role.groups.clear()
    assert set(customer_owner_choices()) == {by_permission, boss}


def test_owner_filter_offers_owners_by_full_name_or_username_escaped(reader_client, make_user):
    make_user(roles.EDIT, username="anna", first_name="Anna", last_name="<b>Öberg</b>")
    make_user(roles.EDIT, username="bosse", first_name="", last_name="")
    html = reader_client.get(URL).content.decode()
    owner_select = html[
        html.index('name="owner"') : html.index("</select>", html.index('name="owner"'))
    ]
    assert "Anna &lt;b&gt;Öberg&lt;/b&gt;</option>" in owner_select
    assert ">bosse</option>" in owner_select
    assert "<b>" not in owner_select


def test_sorted_by_name_by_default(reader_client):
    for name, number in (("Cesar AB", 1), ("Adam AB", 3), ("Bertil AB", 2)):
        CustomerFactory(name=name, number=number)
    assert listed(reader_client.get(URL)) == ["Adam AB", "Bertil AB", "Cesar AB"]


def test_sort_by_number_and_descending(reader_client):
    for name, number in (("Cesar AB", 1), ("Adam AB", 3), ("Bertil AB", 2)):
        CustomerFactory(name=name, number=number)
    assert listed(reader_client.get(URL, {"sort": "number"})) == [
        "Cesar AB",
        "Bertil AB",
        "Adam AB",
    ]
    assert listed(reader_client.get(URL, {"sort": "-name"})) == ["Cesar AB", "Bertil AB", "Adam AB"]


def test_pages_hold_the_configured_number_of_customers(reader_client, settings):
    settings.KUNDKORT_PAGE_SIZE = 2
    for i in range(5):
        CustomerFactory(name=f"Kund {i}")
    first = reader_client.get(URL)
    third = reader_client.get(URL, {"page": 3})
    assert listed(first) == ["Kund 0", "Kund 1"]
    assert listed(third) == ["Kund 4"]
    assert "page=2" in first.content.decode()


def test_pagination_links_keep_the_search(reader_client, settings):
    settings.KUNDKORT_PAGE_SIZE = 1
    CustomerFactory(name="Kund A")
    CustomerFactory(name="Kund B")
    content = reader_client.get(URL, {"q": "kund"}).content.decode()
    assert "?q=kund&amp;page=2" in content


def test_columns_show_head_office_city_owner_and_industry(reader_client):
    owner = UserFactory(username="owner1", first_name="Olle", last_name="Ägare")
    customer = CustomerFactory(
        name="Kolumn AB",
        owner=owner,
        industry=IndustryFactory(name="Energi"),
        organisation_number="556036-0793",
    )
    AddressFactory(customer=customer, city="Filial", is_head_office=False)
    AddressFactory(customer=customer, city="Huvudort", is_head_office=True)
    response = reader_client.get(URL)
    row = response.context["customers"][0]
    assert row.head_office_city == "Huvudort"
    content = response.content.decode()
    for text in ("Huvudort", "Olle Ägare", "Energi", "556036-0793"):
        assert text in content


def _make_customers(count):
    industry = IndustryFactory(name="Tjänster")
    owner = UserFactory(username="listowner")
    for _ in range(count):
        customer = CustomerFactory(
            name=factory.Sequence(lambda n: f"Listkund {n} AB"), industry=industry, owner=owner
        )
        AddressFactory(customer=customer, is_head_office=True)


def test_query_count_does_not_grow_with_the_number_of_customers(reader_client, settings):
    settings.KUNDKORT_PAGE_SIZE = 100
    _make_customers(1)
    reader_client.get(URL)  # warm the session and permission caches like a returning user
    with CaptureQueriesContext(connection) as one:
        reader_client.get(URL, {"q": ""})
    _make_customers(49)
    with CaptureQueriesContext(connection) as fifty:
        response = reader_client.get(URL, {"q": ""})
    assert len(response.context["customers"]) == 50
    assert len(fifty) == len(one)
    assert len(one) <= 10


def test_query_count_with_search_and_filters_is_fixed(
    reader_client, django_assert_num_queries, settings
):
    _make_customers(1)
    params = {"q": "listkund", "status": "all", "sort": "-number"}
    with CaptureQueriesContext(connection) as one:
        reader_client.get(URL, params)
    _make_customers(49)
    with django_assert_num_queries(len(one)):
        response = reader_client.get(URL, params)
    assert len(response.context["customers"]) == settings.KUNDKORT_PAGE_SIZE
