"""Customers through the API: list with search and the report's filters, create with a head
office, read, change with If-Match; every write through the services, recorded as API."""

import pytest
from django.urls import reverse

from customers import roles
from customers.models import Address, Customer, CustomerGroupingOption, GroupingCategory, Industry
from tests.api.conftest import token_client
from tests.factories import (
    AddressFactory,
    CustomerFactory,
    GroupingCategoryFactory,
    GroupingOptionFactory,
)

pytestmark = pytest.mark.django_db

LIST = "/api/v1/customers/"


def detail(customer):
    return reverse("api:customer_detail", args=[customer.pk])


@pytest.fixture
def editor_api(editor):
    return token_client(editor, language="en")


def names(response):
    assert response.status_code == 200, response.content
    return sorted(row["name"] for row in response.json()["results"])


# ------------------------------------------------------------------------------------ list


def test_search_matches_name_number_and_city(editor_api):
    a = CustomerFactory(name="Norrsken AB", number=4711)
    AddressFactory(customer=a, city="Kiruna", is_head_office=True)
    b = CustomerFactory(name="Söderljus AB")
    AddressFactory(customer=b, city="Malmö", is_head_office=True)
    assert names(editor_api.get(LIST, {"search": "norr"})) == ["Norrsken AB"]
    assert names(editor_api.get(LIST, {"search": "4711"})) == ["Norrsken AB"]
    assert names(editor_api.get(LIST, {"search": "malmö"})) == ["Söderljus AB"]
    row = editor_api.get(LIST, {"search": "Malmö"}).json()["results"][0]
    assert row["city"] == "Malmö" and row["id"] == b.pk and row["version"] == b.version


def test_active_owner_and_industry_filters(editor_api, editor):
    industry = Industry.objects.create(name="Bygg")
    CustomerFactory(name="Aktiv AB", owner=editor, industry=industry)
    CustomerFactory(name="Vilande AB", is_active=False, owner=editor)
    CustomerFactory(name="Annan AB")
    assert names(editor_api.get(LIST)) == ["Aktiv AB", "Annan AB"]
    assert names(editor_api.get(LIST, {"active": "no"})) == ["Vilande AB"]
    assert names(editor_api.get(LIST, {"active": "any", "owner": editor.pk})) == [
        "Aktiv AB",
        "Vilande AB",
    ]
    assert names(editor_api.get(LIST, {"industry": industry.pk})) == ["Aktiv AB"]


def test_grouping_filters_combine_as_in_the_report(editor_api):
    """Within a category: any (default) or all of the options; categories combine with AND."""
    region = GroupingCategoryFactory(name="Region")
    north, south = GroupingOptionFactory(category=region), GroupingOptionFactory(category=region)
    size = GroupingCategoryFactory(name="Storlek")
    big = GroupingOptionFactory(category=size)
    for name, options in [("N", [north]), ("NS", [north, south]), ("NB", [north, big])]:
        customer = CustomerFactory(name=name)
        for option in options:
            CustomerGroupingOption.objects.create(customer=customer, option=option)
    g = f"g{region.pk}"
    assert names(editor_api.get(LIST, {g: [north.pk, south.pk]})) == ["N", "NB", "NS"]
    assert names(editor_api.get(LIST, {g: [north.pk, south.pk], f"{g}_match": "all"})) == ["NS"]
    assert names(editor_api.get(LIST, {g: [north.pk], f"g{size.pk}": [big.pk]})) == ["NB"]


def test_an_invalid_filter_answers_400_naming_it(editor_api):
    response = editor_api.get(LIST, {"industry": 10**9, "active": "maybe"})
    assert response.status_code == 400
    assert set(response.json()) == {"industry", "active"}


def test_the_list_pages_with_a_cursor(editor_api, settings):
    settings.KUNDKORT_API_PAGE_SIZE = 2
    for number in range(1, 6):
        CustomerFactory(number=number, name=f"K{number}")
    seen, url = [], LIST
    while url:
        page = editor_api.get(url).json()
        seen += [row["number"] for row in page["results"]]
        url = page["next"]
    assert seen == [1, 2, 3, 4, 5]
    assert editor_api.get(LIST, {"cursor": "bogus"}).status_code == 404


# ---------------------------------------------------------------------------------- detail


def test_detail_has_head_office_default_billing_settings_and_groupings(editor_api):
    customer = CustomerFactory(name="Kort AB")
    AddressFactory(customer=customer, is_head_office=True, city="Umeå")
    AddressFactory(customer=customer, is_billing=True, is_default_billing=True, city="Luleå")
    option = GroupingOptionFactory(name="Norr")
    CustomerGroupingOption.objects.create(customer=customer, option=option)
    response = editor_api.get(detail(customer))
    assert response.status_code == 200
    assert response["ETag"] == f'"{customer.version}"'
    body = response.json()
    assert body["head_office"]["city"] == "Umeå"
    assert body["default_billing_address"]["city"] == "Luleå"
    assert body["settings"]["version"] == customer.version
    assert body["grouping_options"] == [
        {
            "id": option.pk,
            "name": "Norr",
            "is_active": True,
            "category": {"id": option.category_id, "name": option.category.name},
        }
    ]


# ---------------------------------------------------------------------------------- create


def test_create_with_head_office_goes_through_the_service(editor_api, editor):
    response = editor_api.post(
        LIST,
        {
            "name": "  Nya Bygg AB ",
            "organisation_number": "5560360793",
            "address": {
                "line1": "Storgatan 1",
                "postal_code": "903 26",
                "city": "Umeå",
                "is_billing": True,
            },
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    customer = Customer.objects.get(pk=body["id"])
    assert response["Location"].endswith(f"/api/v1/customers/{customer.pk}/")
    assert response["ETag"] == '"1"'
    # The service's rules: trimmed name, normalised organisation number, number from the
    # sequence, the first address is the head office and the first billing one the default.
    assert customer.name == "Nya Bygg AB"
    assert customer.organisation_number == "556036-0793"
    assert customer.number >= 1001
    assert body["head_office"]["is_default_billing"] is True
    record = customer.history.get()
    assert record.history_change_reason == "api" and record.history_user == editor
    address = Address.objects.get(customer=customer)
    assert address.history.get().history_change_reason == "api"


def test_create_refuses_invalid_numbers_in_the_callers_language(editor):
    body = {"name": "Fel AB", "organisation_number": "123", "address": {"phone": "abc"}}
    english = token_client(editor, language="en").post(LIST, body, format="json")
    swedish = token_client(editor, language="sv").post(LIST, body, format="json")
    assert english.status_code == swedish.status_code == 400
    assert "not valid for Sweden" in english.json()["organisation_number"][0]
    assert "inte giltigt för Sverige" in swedish.json()["organisation_number"][0]
    assert not Customer.objects.exists()


def test_create_address_errors_are_nested_under_address(editor_api):
    response = editor_api.post(
        LIST, {"name": "Tel AB", "address": {"city": "Umeå", "phone": "12"}}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["address"] and "phone" in response.json()["address"]
    assert not Customer.objects.exists()  # the customer is not kept without its address


def test_a_taken_number_is_refused(editor_api):
    CustomerFactory(number=5000, name="Först AB")
    response = editor_api.post(LIST, {"name": "Sen AB", "number": 5000}, format="json")
    assert response.status_code == 400
    assert "Först AB" in response.json()["number"][0]


def test_an_inactive_industry_cannot_be_chosen(editor_api):
    industry = Industry.objects.create(name="Gammal", is_active=False)
    response = editor_api.post(LIST, {"name": "X AB", "industry": industry.pk}, format="json")
    assert response.status_code == 400 and "industry" in response.json()


def test_hostile_input_is_refused_or_stored_as_text(editor_api):
    nul = editor_api.post(LIST, {"name": "Nul\x00AB"}, format="json")
    assert nul.status_code == 400
    long = editor_api.post(LIST, {"name": "x" * 5000}, format="json")
    assert long.status_code == 400
    huge = editor_api.post(LIST, {"name": "Stor AB", "number": 10**30}, format="json")
    assert huge.status_code == 400
    script = editor_api.post(LIST, {"name": "<script>alert(1)</script>"}, format="json")
    assert script.status_code == 201
    assert script.json()["name"] == "<script>alert(1)</script>"
    assert Customer.objects.count() == 1


def test_a_reader_cannot_create(readonly_user):
    response = token_client(readonly_user).post(LIST, {"name": "X"}, format="json")
    assert response.status_code == 403 and not Customer.objects.exists()


# ---------------------------------------------------------------------------------- change


def test_change_without_if_match_answers_428_and_changes_nothing(editor_api):
    customer = CustomerFactory(name="Orörd AB")
    response = editor_api.patch(detail(customer), {"name": "Ny"}, format="json")
    assert response.status_code == 428
    customer.refresh_from_db()
    assert customer.name == "Orörd AB" and customer.version == 1


def test_change_with_a_stale_version_answers_412_with_the_current_one(editor_api):
    customer = CustomerFactory(name="Först")
    first = editor_api.patch(
        detail(customer), {"name": "Andra"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert first.status_code == 200 and first["ETag"] == '"2"'
    stale = editor_api.patch(
        detail(customer), {"name": "Tredje"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert stale.status_code == 412
    assert stale.json()["current_version"] == 2 and stale["ETag"] == '"2"'
    customer.refresh_from_db()
    assert customer.name == "Andra" and customer.version == 2


@pytest.mark.parametrize("header", ["*", '"1", "2"', "W/", "abc"])
def test_an_if_match_that_names_no_version_is_refused(editor_api, header):
    customer = CustomerFactory(name="Kvar")
    response = editor_api.patch(
        detail(customer), {"name": "X"}, format="json", HTTP_IF_MATCH=header
    )
    assert response.status_code == 412
    customer.refresh_from_db()
    assert customer.name == "Kvar"


def test_a_weak_etag_is_accepted(editor_api):
    customer = CustomerFactory(name="Svag")
    response = editor_api.patch(
        detail(customer), {"name": "Stark"}, format="json", HTTP_IF_MATCH='W/"1"'
    )
    assert response.status_code == 200


def test_inactivate_through_patch(editor_api, editor):
    customer = CustomerFactory(name="Slutar AB")
    response = editor_api.patch(
        detail(customer), {"is_active": False}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 200 and response.json()["is_active"] is False
    record = customer.history.latest("history_date")
    assert record.history_change_reason == "api" and record.history_user == editor


def test_edit_own_only_user_cannot_change_another_users_customer(make_user):
    restricted = make_user(roles.EDIT, roles.OWN_ONLY, username="egen")
    mine = CustomerFactory(owner=restricted, name="Min")
    theirs = CustomerFactory(name="Deras")
    client = token_client(restricted)
    ok = client.patch(detail(mine), {"name": "Min 2"}, format="json", HTTP_IF_MATCH='"1"')
    refused = client.patch(detail(theirs), {"name": "X"}, format="json", HTTP_IF_MATCH='"1"')
    assert ok.status_code == 200 and refused.status_code == 403
    theirs.refresh_from_db()
    assert theirs.name == "Deras"
    assert client.get(detail(theirs)).status_code == 200  # still visible


def test_an_own_only_user_owns_the_customer_they_add_and_cannot_give_it_away(make_user, editor):
    restricted = make_user(roles.EDIT, roles.OWN_ONLY, username="egen")
    client = token_client(restricted)
    created = client.post(reverse("api:customer_list"), {"name": "Egen AB"}, format="json")
    assert created.status_code == 201 and created.json()["owner"] == restricted.pk
    given = client.post(
        reverse("api:customer_list"), {"name": "Annans AB", "owner": editor.pk}, format="json"
    )
    assert given.status_code == 400 and "owner" in given.json()
    assert not Customer.objects.filter(name="Annans AB").exists()


def test_categories_are_listed_with_their_options(editor_api):
    category = GroupingCategoryFactory(name="Region", selection=GroupingCategory.SINGLE)
    GroupingOptionFactory(category=category, name="Norr")
    body = editor_api.get(reverse("api:grouping_category_list")).json()
    assert body[0]["name"] == "Region" and body[0]["selection"] == "single"
    assert [o["name"] for o in body[0]["options"]] == ["Norr"]


def test_the_history_tab_shows_api_changes_with_the_tokens_user(editor_api, editor, client):
    created = editor_api.post(LIST, {"name": "Historik AB"}, format="json").json()
    client.force_login(editor)
    page = client.get(
        reverse("customers:customer_history", args=[created["id"]]), HTTP_ACCEPT_LANGUAGE="sv"
    )
    rows = [entry for entry in page.context["entries"]]
    assert [(entry.source, entry.user_name) for entry in rows] == [
        ("API", editor.get_full_name() or editor.username)
    ]
